import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverHubs } from '../../src/adapters/hub/hub-directory.js';
import { hubSubject, replySchema, type HubOp } from '../../src/adapters/hub/hub-protocol.js';
import { HubProcess } from '../support/hub-process.js';
import { startNatsServer, type NatsServerHandle } from '../support/nats-server.js';

const NAMESPACE = 'repeats';
/** One attempt of a request: far more than a hub on a loaded machine needs. */
const ATTEMPT_MS = 15_000;

/**
 * Two hubs; the one that decides a project stores an agent's claim, completion and failure, and
 * dies. The session asks each call again with its request id (ADR 0037) and the other hub, which
 * never saw them, answers each with its first outcome, read from the item's events (ADR 0042):
 * the same item, not a second one; completed, not already completed; the failure, not a refusal.
 * The requests are sent by hand so that the test chooses their ids.
 */
describe('a call asked again at the other hub, once the first is gone', () => {
  let nats: NatsServerHandle;
  let nc: NatsConnection;
  const hubs: HubProcess[] = [];

  beforeAll(async () => {
    nats = await startNatsServer();
    nc = await connect({ servers: nats.url });
    for (let i = 0; i < 2; i++) hubs.push(await HubProcess.start({ NATS_URL: nats.url }));
    // Each hub knows the other once both answer its PING; until then it decides everything itself.
    for (;;) {
      const served = await discoverHubs(nc, Date.now());
      if (served.length === 2 && served.every((h) => h.knows === 2)) break;
    }
  });
  afterAll(async () => {
    await nc?.close();
    await Promise.all(hubs.map((h) => h.stop()));
    await nats?.dispose();
  });

  /** One agent's session, asking the hubs as a session does, with the request ids the test gives. */
  const session = () => {
    const holder = { session: `s${process.pid}x${Date.now()}`, pid: process.pid };
    let guid: string | undefined;
    return async <T = any>(op: HubOp, input: unknown, id: string): Promise<T> => {
      const wire = { namespace: NAMESPACE, hostname: hostname(), username: 'alice', holder, ...(guid ? { guid } : {}) };
      const body = JSON.stringify({ session: wire, id, input });
      const msg = await nc.request(hubSubject(op, NAMESPACE, holder.session), body, { timeout: ATTEMPT_MS });
      const reply = replySchema.parse(JSON.parse(msg.string()));
      if (!reply.ok) throw new Error(`${op}: ${reply.error.message}`);
      guid = reply.session.guid ?? guid;
      return reply.result as T;
    };
  };

  it(
    'gets the same claim, the completion and the failure from the hub that takes over',
    { timeout: 120_000 },
    async () => {
      const ask = session();
      await ask('registerAgent', { agentType: 'dev', capabilities: ['ts'] }, randomUUID());
      const offer = async (taskId: string, priority: number): Promise<string> =>
        (
          await ask(
            'broadcastWorkOffer',
            { taskId, description: 'x', requiredCapability: 'ts', priority },
            randomUUID(),
          )
        ).workItem.workItemId;
      const kept = await offer('kept', 9);
      const done = await offer('done', 8);
      const failed = await offer('failed', 7);
      const other = await offer('other', 1);
      const claim = async (id: string): Promise<string> => {
        const result = await ask('claimWork', { capability: 'ts', timeout: 100 }, id);
        if (!result.claimed) throw new Error(`claim ${id}: ${result.reason}`);
        return result.workItem.workItemId;
      };
      expect([await claim('r-claim'), await claim('r-claim-2'), await claim('r-claim-3')]).toEqual([
        kept,
        done,
        failed,
      ]);
      expect((await ask('completeWork', { workItemId: done }, 'r-done')).alreadyCompleted).toBe(false);
      await ask('failWork', { workItemId: failed, error: 'boom' }, 'r-fail');

      // The hub that decided all this goes; the other takes the project over (ADR 0038). A hub tells
      // the projects it keeps in its STATS as of the last second: asked until one does.
      let keeper: { pid: number } | undefined;
      while (!keeper) keeper = (await discoverHubs(nc, Date.now())).find((h) => NAMESPACE in h.lag);
      const [gone, left] = hubs[0]!.pid === keeper.pid ? [hubs[0]!, hubs[1]!] : [hubs[1]!, hubs[0]!];
      await gone.kill();
      for (;;) {
        const now = await discoverHubs(nc, Date.now());
        if (now.length === 1 && now[0]!.pid === left.pid && now[0]!.knows === 1) break;
      }

      // Asked again, with their ids: each answered as the first, nothing decided twice.
      expect(await claim('r-claim')).toBe(kept);
      expect((await ask('completeWork', { workItemId: done }, 'r-done')).alreadyCompleted).toBe(false);
      expect((await ask('failWork', { workItemId: failed, error: 'boom' }, 'r-fail')).workItem.status).toBe('offered');
      const stored = async (id: string) => {
        const { workItem, events } = await ask('getWorkItem', { workItemId: id }, randomUUID());
        return { status: workItem.status, events: events.map((e: { type: string }) => e.type) };
      };
      expect(await stored(kept)).toEqual({ status: 'claimed', events: ['WorkOffered', 'WorkClaimed'] });
      expect(await stored(done)).toEqual({
        status: 'completed',
        events: ['WorkOffered', 'WorkClaimed', 'WorkCompleted'],
      });
      expect(await stored(failed)).toEqual({ status: 'offered', events: ['WorkOffered', 'WorkClaimed', 'WorkFailed'] });
      expect((await stored(other)).status).toBe('offered');
    },
  );
});
