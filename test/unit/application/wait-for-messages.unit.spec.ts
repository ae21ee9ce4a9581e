import { afterEach, describe, expect, it } from 'vitest';
import { createFleet } from '../../support/memory-fleet.js';

describe('wait_for_messages', () => {
  let fleet = createFleet();
  afterEach(async () => {
    await fleet.close();
    fleet = createFleet();
  });

  async function waitingStarted(before: number): Promise<void> {
    while (fleet.clock.waiting <= before) await new Promise((resolve) => setImmediate(resolve));
  }

  it('returns as soon as a channel message arrives, without marking it read', async () => {
    const a = await fleet.agent({ hostname: 'h1' });
    const b = await fleet.agent({ hostname: 'h2' });
    await a.registerAgent({ agentType: 'a' });
    await b.registerAgent({ agentType: 'b' });
    const idle = fleet.clock.waiting;
    const waiting = b.waitForMessages({ channels: ['general'], timeoutMs: 20_000 });
    await waitingStarted(idle);
    await a.sendMessage({ channel: 'general', message: 'ping' });
    const result = await waiting;
    expect(result.timedOut).toBe(false);
    expect(result.arrivals).toMatchObject([{ kind: 'channel', channel: 'general', from: 'a', preview: 'ping' }]);
    expect((await b.readMessages({ channel: 'general', unreadOnly: true })).messages.map((m) => m.body)).toEqual([
      'ping',
    ]);
  });

  it('wakes for a direct message and for qualified work, not for its own messages', async () => {
    const a = await fleet.agent({ hostname: 'h1' });
    const b = await fleet.agent({ hostname: 'h2' });
    await a.registerAgent({ agentType: 'a' });
    const { agent: bAgent } = await b.registerAgent({ agentType: 'b', capabilities: ['ts'] });
    let idle = fleet.clock.waiting;
    const forDm = b.waitForMessages({ timeoutMs: 20_000 });
    await waitingStarted(idle);
    await b.sendMessage({ channel: 'general', message: 'talking to myself' });
    await a.sendDirectMessage({ recipientGuid: bAgent.guid, message: 'hi b' });
    expect((await forDm).arrivals.map((x) => [x.kind, x.preview])).toEqual([['direct', 'hi b']]);
    await b.readDirectMessages({});
    await b.readMessages({ channel: 'general', unreadOnly: true });

    idle = fleet.clock.waiting;
    const forWork = b.waitForMessages({ timeoutMs: 20_000 });
    await waitingStarted(idle);
    await a.broadcastWorkOffer({ taskId: 'w', description: 'do it', requiredCapability: 'ts' });
    expect((await forWork).arrivals.map((x) => x.kind)).toEqual(['work']);
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

  it('returns at once when something is already unread', async () => {
    const a = await fleet.agent({ hostname: 'h1' });
    const b = await fleet.agent({ hostname: 'h2' });
    await b.registerAgent({ agentType: 'b' });
    await a.setHandle({ handle: 'a' });
    await a.sendMessage({ channel: 'general', message: 'earlier' });
    const result = await b.waitForMessages({ timeoutMs: 20_000 });
    expect(result.timedOut).toBe(false);
    expect(result.pending.channels).toEqual({ general: 1 });
  });
});
