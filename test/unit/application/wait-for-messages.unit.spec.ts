import { afterEach, describe, expect, it } from 'vitest';
import { MAX_WAIT_CHANNELS } from '../../../src/domain/index.js';
import { MAX_ARRIVALS, TEXT_LIMIT } from '../../../src/application/wait/wait-for-messages.js';
import { createFleet } from '../../support/memory-fleet.js';

describe('wait_for_messages', () => {
  let fleet = createFleet();
  afterEach(async () => {
    await fleet.close();
    fleet = createFleet();
  });

  /** Resolves once the wait started after `before` is asleep on the virtual clock. */
  async function waitingStarted(before: number): Promise<void> {
    while (fleet.clock.waiting <= before) await new Promise((resolve) => setImmediate(resolve));
  }

  async function pair() {
    const a = await fleet.agent({ hostname: 'h1' });
    const b = await fleet.agent({ hostname: 'h2' });
    await a.registerAgent({ agentType: 'a' });
    const { agent } = await b.registerAgent({ agentType: 'b', capabilities: ['ts'] });
    return { a, b, bGuid: agent.guid };
  }

  it('returns as soon as a channel message arrives, with its text, without marking it read', async () => {
    const { a, b } = await pair();
    const idle = fleet.clock.waiting;
    const waiting = b.waitForMessages({ channels: ['general'], timeoutMs: 20_000 });
    await waitingStarted(idle);
    await a.sendMessage({ channel: 'general', message: 'ping' });
    const result = await waiting;
    expect(result.timedOut).toBe(false);
    expect(result.arrivals).toEqual([{ kind: 'channel', channel: 'general', messageId: '1', from: 'a', text: 'ping' }]);
    expect((await b.readMessages({ channel: 'general', unreadOnly: true })).messages.map((m) => m.body)).toEqual([
      'ping',
    ]);
  });

  it('wakes for a direct message and for qualified work, not for its own messages', async () => {
    const { a, b, bGuid } = await pair();
    let idle = fleet.clock.waiting;
    const forDm = b.waitForMessages({ timeoutMs: 20_000 });
    await waitingStarted(idle);
    await b.sendMessage({ channel: 'general', message: 'talking to myself' });
    await a.sendDirectMessage({ recipientGuid: bGuid, message: 'hi b' });
    expect((await forDm).arrivals.map((x) => [x.kind, x.text])).toEqual([['direct', 'hi b']]);

    idle = fleet.clock.waiting;
    const forWork = b.waitForMessages({ timeoutMs: 20_000 });
    await waitingStarted(idle);
    await a.broadcastWorkOffer({ taskId: 'w', description: 'do it', requiredCapability: 'ts' });
    expect((await forWork).arrivals.map((x) => [x.kind, x.text])).toEqual([['work', '[ts] do it']]);
  });

  it('counts old unread in pending without returning for it, then waits the full timeout', async () => {
    const { a, b, bGuid } = await pair();
    await a.sendMessage({ channel: 'general', message: 'earlier' });
    await a.sendDirectMessage({ recipientGuid: bGuid, message: 'old dm' });
    await a.broadcastWorkOffer({ taskId: 'old', description: 'old work', requiredCapability: 'ts' });
    const idle = fleet.clock.waiting;
    const waiting = b.waitForMessages({ timeoutMs: 5_000 });
    await waitingStarted(idle);
    await fleet.clock.advance(4_999);
    let settled = false;
    void waiting.then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    await fleet.clock.advance(1);
    expect(await waiting).toMatchObject({
      arrivals: [],
      timedOut: true,
      pending: { inbox: 1, channels: { general: 1 }, work: 1 },
    });
  });

  it('with old unread waiting, a new direct message ends the wait and is the only arrival', async () => {
    const { a, b, bGuid } = await pair();
    await a.sendMessage({ channel: 'general', message: 'earlier' });
    await a.sendDirectMessage({ recipientGuid: bGuid, message: 'old dm' });
    const idle = fleet.clock.waiting;
    const waiting = b.waitForMessages({ timeoutMs: 20_000 });
    await waitingStarted(idle);
    await a.sendDirectMessage({ recipientGuid: bGuid, message: 'new dm' });
    const result = await waiting;
    expect(result.arrivals.map((x) => [x.kind, x.from, x.text])).toEqual([['direct', 'a', 'new dm']]);
    expect(result.pending).toMatchObject({ inbox: 1, channels: { general: 1 } });
  });

  it('returns at once what arrived between two waits when given the previous position', async () => {
    const { a, b, bGuid } = await pair();
    const first = await b.waitForMessages({ timeoutMs: 0 });
    expect(first.timedOut).toBe(true);
    await a.sendMessage({ channel: 'general', message: 'in between' });
    await a.sendDirectMessage({ recipientGuid: bGuid, message: 'dm in between' });
    await a.broadcastWorkOffer({ taskId: 'between', description: 'job', requiredCapability: 'ts' });
    const second = await b.waitForMessages({ timeoutMs: 20_000, since: first.position });
    expect(second.arrivals.map((x) => [x.kind, x.text]).sort()).toEqual([
      ['channel', 'in between'],
      ['direct', 'dm in between'],
      ['work', '[ts] job'],
    ]);
    // Nothing is returned twice: the next wait from the new position has nothing new.
    expect((await b.waitForMessages({ timeoutMs: 0, since: second.position })).arrivals).toEqual([]);
  });

  it('bounds the text of each arrival and their number; the rest follow from the position', async () => {
    const { a, b } = await pair();
    const start = await b.waitForMessages({ channels: ['general'], timeoutMs: 0 });
    await a.sendMessage({ channel: 'general', message: 'x'.repeat(TEXT_LIMIT + 50) });
    for (let n = 1; n < MAX_ARRIVALS + 5; n++) await a.sendMessage({ channel: 'general', message: `m${n}` });
    const first = await b.waitForMessages({ channels: ['general'], timeoutMs: 0, since: start.position });
    expect(first.arrivals).toHaveLength(MAX_ARRIVALS);
    expect(first.arrivals[0]).toMatchObject({ truncated: true });
    expect(first.arrivals[0]!.text).toHaveLength(TEXT_LIMIT + 1);
    const rest = await b.waitForMessages({ channels: ['general'], timeoutMs: 0, since: first.position });
    expect(rest.arrivals.map((x) => x.text)).toEqual(['m20', 'm21', 'm22', 'm23', 'm24']);
  });

  it('returns empty at the timeout', async () => {
    const a = await fleet.agent();
    await a.registerAgent({ agentType: 'a' });
    const idle = fleet.clock.waiting;
    const waiting = a.waitForMessages({ timeoutMs: 5_000 });
    await waitingStarted(idle);
    await fleet.clock.advance(5_000);
    expect(await waiting).toMatchObject({ arrivals: [], timedOut: true });
  });

  it('refuses more channels than MAX_WAIT_CHANNELS, or channels that are not a list, whoever calls', async () => {
    const { a } = await pair();
    const many = Array.from({ length: MAX_WAIT_CHANNELS + 1 }, () => 'general');
    await expect(a.waitForMessages({ channels: many, timeoutMs: 0 })).rejects.toThrow(/at most 100 channel names/);
    await expect(a.waitForMessages({ channels: 'general' as never, timeoutMs: 0 })).rejects.toThrow(/channels: must/);
  });

  it('rejects a position it did not write, naming what to pass', async () => {
    const a = await fleet.agent();
    await expect(a.waitForMessages({ timeoutMs: 0, since: '#general=1,dm=x' })).rejects.toThrow(
      /since.*previous wait_for_messages answer/,
    );
    await expect(a.waitForMessages({ timeoutMs: 0, since: '#Bad.Name=1' })).rejects.toThrow(/since/);
  });
});
