import { connect, RequestError, TimeoutError, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverHubs, type HubSummary } from '../../src/adapters/hub/hub-directory.js';
import { HubOwners } from '../../src/adapters/hub/hub-owners.js';
import { hubSubject, type Reply, type SessionWire } from '../../src/adapters/hub/hub-protocol.js';
import { HubProcess } from '../support/hub-process.js';
import { startNatsServer, type NatsServerHandle } from '../support/nats-server.js';
import { StdioAgent } from '../support/stdio-agent.js';

const PROJECTS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'];

/**
 * Two hubs on one server divide the projects between them (ADR 0038): each project's requests,
 * whichever hub the server hands them to, are decided by one of them, which alone keeps its read
 * models; when that hub goes, the other takes its projects over.
 */
describe('two hubs divide the projects between them', () => {
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

  /**
   * Offers `task` in `project` as a one-off command does: a new session each time, on the subject
   * the whole group hears, so the server hands it to either hub. Asked again with the same id (the
   * hub answers a repeat with the first outcome, ADR 0037) when it went unanswered, as a session
   * does: a hub may have passed it to the one just killed.
   */
  const offer = async (project: string, task: string): Promise<void> => {
    const session: SessionWire = {
      namespace: project,
      hostname: 'owners-test',
      username: 'owners',
      holder: { session: `offer-${task}`, pid: process.pid, command: true },
    };
    const input = { taskId: task, description: `work of ${project}`, requiredCapability: 'build' };
    const request = JSON.stringify({ session, id: task, input });
    for (let attempt = 1; ; attempt++) {
      try {
        const msg = await nc.request(hubSubject('broadcastWorkOffer', project, session.holder.session), request, {
          timeout: 4_000,
        });
        const reply = msg.json<Reply>();
        if (!reply.ok) throw new Error(`the hub refused ${task}: ${JSON.stringify(reply.error)}`);
        return;
      } catch (error) {
        const unanswered = error instanceof TimeoutError || error instanceof RequestError;
        if (!unanswered || attempt >= 3) throw error;
      }
    }
  };
  const keepers = (served: HubSummary[], project: string): string[] =>
    served.filter((h) => project in h.lag).map((h) => h.id);

  it(
    'a session sends its requests straight to its project’s hub, not through the other',
    { timeout: 60_000 },
    async () => {
      const project = 'direct';
      const requests = async (): Promise<Map<number, number>> =>
        new Map((await discoverHubs(nc, Date.now())).map((h) => [h.pid, h.requests]));
      const agent = await StdioAgent.start({ NATS_URL: nats.url, WARP_NAMESPACE: project, WARP_HUB: 'external' });
      try {
        await agent.call('list_work', {});
        const before = await requests();
        for (let i = 0; i < 20; i++) await agent.call('list_work', {});
        const after = await requests();
        const delta = [...after].map(([pid, n]) => ({ pid, n: n - (before.get(pid) ?? 0) }));
        const keeper = (await discoverHubs(nc, Date.now())).find((h) => project in h.lag)!;
        // The keeper hears every call (and a heartbeat, maybe); the other none: no call took the extra hop.
        expect(delta.find((d) => d.pid === keeper.pid)!.n).toBeGreaterThanOrEqual(20);
        expect(delta.filter((d) => d.pid !== keeper.pid).map((d) => d.n)).toEqual([0]);
      } finally {
        await agent.close();
      }
    },
  );

  it('each project is kept by one hub, and by the other once that one is gone', { timeout: 120_000 }, async () => {
    for (const project of PROJECTS) for (const task of ['a', 'b', 'c']) await offer(project, `${project}-${task}`);
    const served = await discoverHubs(nc, Date.now());
    expect(served).toHaveLength(2);
    // Each is kept by the hub rendezvous hashing names, whichever hub the server handed its requests to.
    const owners = new HubOwners(served[0]!.id);
    owners.update(served.map((h) => h.id));
    for (const project of PROJECTS)
      expect(keepers(served, project), project).toEqual([owners.elsewhere(project) ?? served[0]!.id]);

    const [gone, left] = [hubs[0]!, hubs[1]!];
    const goneId = served.find((h) => h.pid === gone.pid)!.id;
    const moved = PROJECTS.filter((p) => keepers(served, p)[0] === goneId);
    await gone.kill();
    for (const project of moved) await offer(project, `${project}-after`);
    const after = await discoverHubs(nc, Date.now());
    expect(after.map((h) => h.pid)).toEqual([left.pid]);
    for (const project of moved) expect(keepers(after, project)).toEqual([after[0]!.id]);
  });
});
