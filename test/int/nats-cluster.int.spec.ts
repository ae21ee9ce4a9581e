import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveNatsConnection } from '../../src/adapters/config/index.js';
import { createNatsBackend, NatsBackendConnection, type NatsBackend } from '../../src/adapters/nats/nats-backend.js';
import { CryptoIds } from '../../src/adapters/system/crypto-ids.js';
import { SystemClock } from '../../src/adapters/system/system-clock.js';
import { createSessionDeps, createWarpApp, Session, startSession, type WarpApp } from '../../src/application/index.js';
import { BackendUnavailable } from '../../src/ports/index.js';
import { testSettings } from '../support/memory-fleet.js';
import { ignoreUnavailable, whenAvailable } from '../support/unavailable.js';
import { startNatsCluster, type NatsClusterHandle } from '../support/nats-server.js';

describe('a 3-node cluster with 3 replicas loses a node in the middle of traffic', () => {
  let cluster: NatsClusterHandle;
  const backends: NatsBackend[] = [];
  const stops: Array<() => Promise<void>> = [];
  const background: unknown[] = [];
  const agent = async (host: string, capabilities: string[] = []): Promise<WarpApp & { guid: string }> => {
    // NATS_URL as a user would set it for a cluster.
    const { servers } = resolveNatsConnection(cluster.urls.join(','));
    const backend = await whenAvailable(async () => createNatsBackend(await NatsBackendConnection.open({ servers, transport: 'tcp', timeoutMs: 2_000 }), { replicas: 3 }));
    backends.push(backend);
    const deps = createSessionDeps(backend, new SystemClock(), new CryptoIds(), new Session('cluster', host, 'ci'), testSettings);
    // Heartbeats that fail while leaders are elected are reported here, and tried again on the next beat.
    const running = await whenAvailable(() => startSession(deps, [{ name: 'ops', description: '' }], (error) => void background.push(error)));
    stops.push(() => running.stop());
    const app = createWarpApp(deps);
    const { agent: registered } = await whenAvailable(() => app.registerAgent({ agentType: `agent-${host}`, capabilities }));
    return Object.assign(app, { guid: registered.guid });
  };
  beforeAll(async () => {
    cluster = await startNatsCluster(3);
  }, 60_000);
  afterAll(async () => {
    for (const stop of stops) await stop().catch(() => undefined);
    for (const backend of backends) await backend.close().catch(() => undefined);
    await cluster.dispose();
  });

  it('no acknowledged message, DM or work item is lost, and agents keep working', async () => {
    const sender = await agent('sender');
    const worker = await agent('worker', ['ops']);
    const sent: string[] = [];
    const dms: string[] = [];
    const offered: string[] = [];
    const completed: string[] = [];
    const traffic = async (round: number): Promise<void> => {
      const key = `r${round}`;
      await sender.sendMessage({ channel: 'ops', message: key, idempotencyKey: key }).then(() => sent.push(key), ignoreUnavailable);
      await sender.sendDirectMessage({ recipientGuid: worker.guid, message: key, idempotencyKey: key }).then(() => dms.push(key), ignoreUnavailable);
      await sender.broadcastWorkOffer({ taskId: key, description: 'x', requiredCapability: 'ops' }).then((o) => offered.push(o.workItem.workItemId), ignoreUnavailable);
      const claim = await worker.claimWork({ capability: 'ops', timeout: 100 }).catch((error: unknown) => ignoreUnavailable(error));
      if (claim?.claimed) {
        await worker.completeWork({ workItemId: claim.workItem.workItemId }).then((done) => completed.push(done.workItem.workItemId), ignoreUnavailable);
      }
    };
    for (let round = 0; round < 8; round++) await traffic(round);
    const during = (async () => {
      for (let round = 8; round < 20; round++) await traffic(round);
    })();
    await cluster.nodes[1]!.kill();
    await during;
    for (let round = 20; round < 24; round++) await whenAvailable(() => traffic(round));

    // A newcomer on the surviving nodes sees everything that was acknowledged.
    const observer = await agent('observer');
    const read: string[] = [];
    for (;;) {
      const page = await whenAvailable(() => observer.readMessages({ channel: 'ops', limit: 100, unreadOnly: true }));
      if (page.messages.length === 0) break;
      read.push(...page.messages.map((m) => m.body));
    }
    expect(sent.length).toBeGreaterThanOrEqual(12);
    expect(read).toEqual(expect.arrayContaining(sent));
    expect(new Set(read).size).toBe(read.length);
    const inbox = await whenAvailable(() => worker.readDirectMessages({ limit: 100 }));
    expect(inbox.messages.map((m) => m.body)).toEqual(expect.arrayContaining(dms));
    // The observer's work index was replayed from the replicated event stream.
    const listed = new Map((await whenAvailable(() => observer.listWork({ capability: 'ops', limit: 500 }))).items.map((item) => [item.workItemId, item.status]));
    for (const id of offered) expect(['offered', 'claimed', 'completed']).toContain(listed.get(id));
    for (const id of completed) expect(listed.get(id)).toBe('completed');
    expect(completed.length).toBeGreaterThan(0);
    for (const error of background) expect(error).toBeInstanceOf(BackendUnavailable);
  }, 120_000);
});
