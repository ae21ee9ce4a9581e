import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settings } from '../contract/work-queue.contract.js';
import { startInProcessHub, type InProcessHub } from '../support/in-process-hub.js';

const who = { namespace: 'stop', hostname: 'h', username: 'u', holder: { session: 's1', pid: 1 } };

/** A hub asked to stop takes no more requests but answers the ones it took before it lets go. */
describe('a stopping hub on a real nats-server', () => {
  let at: InProcessHub;
  beforeAll(async () => (at = await startInProcessHub(settings, '1.2.3')));
  afterAll(() => at?.stop());

  // On the hub's own connection: the server sees a request sent after the hub's unsubscribe after it.
  const ask = async (op: string, session: object, input: unknown, timeout = 5_000): Promise<any> =>
    (
      await at.backend.connection.nc.request(`warp.hub.${op}.stop.s1`, JSON.stringify({ session, input }), {
        timeout,
      })
    ).json();

  it('answers a claim that was waiting when it stopped, and then answers no more', async () => {
    const registered = await ask('registerAgent', who, { agentType: 'worker', capabilities: ['drain'] });
    expect(registered).toMatchObject({ ok: true });
    const worker = { ...who, guid: registered.session.guid };
    const waiting = ask('claimWork', worker, { capability: 'drain', timeout: 1_500 }, 10_000);
    // The claim is in the hub once it counts it as in flight.
    while (at.hub.inFlight() === 0) await new Promise((resolve) => setImmediate(resolve));

    const order: string[] = [];
    const stopped = at.hub.stop(10_000).then(() => order.push('stopped'));
    // The hub lets go of its subscriptions first: a request sent after that finds nobody to answer it.
    await expect(ask('listWork', worker, {})).rejects.toThrow(/503|no responders/i);
    expect(await waiting.finally(() => order.push('claim answered'))).toMatchObject({
      ok: true,
      result: { claimed: false },
    });
    await stopped;
    // Its read models stay open until the claim has its answer.
    expect(order).toEqual(['claim answered', 'stopped']);
    expect(at.hub.inFlight()).toBe(0);
    expect(at.failures).toEqual([]);
  });
});
