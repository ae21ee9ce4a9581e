import { hostname } from 'node:os';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUB_OPS } from '../../src/adapters/hub/hub-protocol.js';
import { discoverHubs } from '../../src/adapters/hub/hub-directory.js';
import { settings } from '../contract/work-queue.contract.js';
import { startInProcessHub, type InProcessHub } from '../support/in-process-hub.js';

const who = { namespace: 'proj', hostname: 'h', username: 'u', holder: { session: 's1', pid: 1 } };

/** The hub's edge: whatever a client sends, it answers with an error that says what is wrong and keeps serving. */
describe('the hub service on a real nats-server', () => {
  let at: InProcessHub;
  let raw: NatsConnection;
  beforeAll(async () => {
    at = await startInProcessHub(settings, '1.2.3');
    raw = await connect({ servers: at.server.url });
  });
  afterAll(async () => {
    await raw?.close();
    await at?.stop();
  });

  const ask = async (subject: string, body: unknown): Promise<any> =>
    (await raw.request(subject, typeof body === 'string' ? body : JSON.stringify(body), { timeout: 5_000 })).json();

  it('answers garbage, a wrong shape and a namespace other than the subject’s with an error, and goes on serving', async () => {
    expect(await ask('warp.hub.listWork.proj.s1', 'not json')).toMatchObject({
      ok: false,
      error: { kind: 'domain', code: 'invalid_input', message: 'request: malformed: not JSON' },
    });
    expect(await ask('warp.hub.listWork.proj.s1', { session: { namespace: 'proj' } })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/request: malformed/) },
    });
    expect(await ask('warp.hub.listWork.other.s1', { session: who, input: {} })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/another namespace than its subject/) },
    });
    expect(await ask('warp.hub.listWork.proj.s1', { session: who, input: { limit: 'many' } })).toMatchObject({
      ok: false,
      error: { kind: 'domain', code: 'invalid_input' },
    });
    expect(await ask('warp.hub.listWork.proj.s1', { session: who, input: {} })).toMatchObject({
      ok: true,
      result: { items: [], total: 0 },
    });
    // A client's mistakes are the client's: nothing of it is logged as the hub failing.
    expect(at.failures).toEqual([]);
  });

  it('answers every operation, whatever JSON it is given as input, and still serves afterwards', async () => {
    const ops = HUB_OPS.filter((op) => op !== 'claimWork' && op !== 'waitForMessages');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ops), fc.jsonValue(), async (op, input) => {
        const reply = await ask(`warp.hub.${op}.proj.fuzz`, {
          session: { ...who, holder: { session: 'fuzz', pid: 2 } },
          input,
        });
        expect(typeof reply.ok).toBe('boolean');
      }),
      { numRuns: 150 },
    );
    // Inputs of the wrong type are refusals, never the hub failing.
    expect(at.failures.map(String)).toEqual([]);
    expect((await ask('warp.hub.listWork.proj.s1', { session: who, input: {} })).ok).toBe(true);
  }, 60_000);

  it('answers a work request before storing it only when the ack is to go to the caller’s own inbox', async () => {
    const acks = raw.subscribe('_INBOX.deferral-test.*');
    const askWith = async (subject: string, ackTo: string, input: unknown): Promise<any> => {
      const h = headers();
      h.set('Warp-Ack', ackTo);
      const body = JSON.stringify({ session: who, input });
      return (await raw.request(subject, body, { timeout: 5_000, headers: h })).json();
    };
    const offer = (taskId: string) => ({ taskId, description: 'x', requiredCapability: 'defer' });
    const deferred = await askWith('warp.hub.broadcastWorkOffer.proj.s1', '_INBOX.deferral-test.1', offer('d-1'));
    expect(deferred).toMatchObject({ ok: true, deferred: true, result: { created: true } });
    for await (const ack of acks) {
      expect(ack.subject).toBe('_INBOX.deferral-test.1');
      expect(ack.json()).toMatchObject({ stream: 'WARP_EV_proj_work', seq: expect.any(Number) });
      break;
    }
    // Anywhere else (a notice subject, a wildcard) is not where a stream's ack goes: answered the usual way.
    for (const elsewhere of ['warp.notify.proj.work', '_INBOX.*', '_INBOX']) {
      const plain = await askWith('warp.hub.broadcastWorkOffer.proj.s1', elsewhere, offer(`p-${elsewhere}`));
      expect(plain).toMatchObject({ ok: true, result: { created: true } });
      expect(plain.deferred).toBeUndefined();
    }
    const read = await askWith('warp.hub.listWork.proj.s1', '_INBOX.deferral-test.2', { capability: 'defer' });
    expect([read.ok, read.deferred, read.result.total]).toEqual([true, undefined, 4]);
    // The hub learns each outcome from its feed, not from the ack: one subject may serve two at once.
    const twice = await Promise.all(
      ['t-1', 't-2'].map((taskId) =>
        askWith('warp.hub.broadcastWorkOffer.proj.s1', '_INBOX.deferral-test.3', offer(taskId)),
      ),
    );
    expect(twice.map((r) => [r.ok, r.deferred])).toEqual([
      [true, true],
      [true, true],
    ]);
    const listed = await askWith('warp.hub.listWork.proj.s1', '_INBOX.deferral-test.4', { capability: 'defer' });
    expect(listed.result.total).toBe(6);
    acks.unsubscribe();
  });

  it('is discoverable with its version, host and the namespaces it keeps', async () => {
    const [found, ...others] = await discoverHubs(raw, Date.now());
    expect(others).toEqual([]);
    expect(found).toMatchObject({
      id: at.hub.id,
      version: '1.2.3',
      hostname: hostname(),
      lag: { proj: 0 },
      skipped: {},
    });
    expect(found!.requests).toBeGreaterThan(0);
  });

  it('answers a request asked again with its id by what the first did: the same claim, a failure once', async () => {
    const me = { ...who, holder: { session: 'rep', pid: 3 } };
    const subject = (op: string) => `warp.hub.${op}.proj.rep`;
    const registered = await ask(subject('registerAgent'), {
      session: me,
      input: { agentType: 'repeater', capabilities: ['repeat'] },
      id: 'register-1',
    });
    const asAgent = { ...me, handle: registered.session.handle, guid: registered.session.guid };
    for (const taskId of ['r-1', 'r-2'])
      await ask(subject('broadcastWorkOffer'), {
        session: asAgent,
        input: { taskId, description: 'x', requiredCapability: 'repeat' },
      });
    const claim = { session: asAgent, input: { capability: 'repeat', timeout: 100 }, id: 'claim-1' };
    const first = await ask(subject('claimWork'), claim);
    const again = await ask(subject('claimWork'), claim);
    expect(first).toMatchObject({ ok: true, result: { claimed: true } });
    expect(again.result.workItem.workItemId).toBe(first.result.workItem.workItemId);
    const fail = {
      session: asAgent,
      input: { workItemId: first.result.workItem.workItemId, error: 'flaky', retryable: true },
      id: 'fail-1',
    };
    const failed = await ask(subject('failWork'), fail);
    expect(failed.ok).toBe(true);
    expect(await ask(subject('failWork'), fail)).toEqual(failed);
    // A new id is a new request: the failed item is no longer this agent's.
    expect(await ask(subject('failWork'), { ...fail, id: 'fail-2' })).toMatchObject({ ok: false });
  });
});
