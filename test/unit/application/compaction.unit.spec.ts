import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryBackend } from '../../../src/adapters/memory/memory-backend.js';
import { MemoryProcessProbe } from '../../../src/adapters/memory/memory-process-probe.js';
import { VirtualClock } from '../../../src/adapters/memory/virtual-clock.js';
import { CryptoIds } from '../../../src/adapters/system/crypto-ids.js';
import {
  compactFinishedWork,
  maintain,
  createSessionDeps,
  createWarpApp,
  Session,
  startSession,
} from '../../../src/application/index.js';
import type { WorkItemEvent } from '../../../src/domain/index.js';
import { createFleet, testSettings } from '../../support/memory-fleet.js';

const fail = (error: unknown): never => {
  throw error;
};

describe('compaction of finished aggregates (memory backend)', () => {
  let fleet = createFleet();
  afterEach(async () => {
    await fleet.close();
    fleet = createFleet();
  });

  it('register_agent reads one snapshot however many sessions came before', async () => {
    const clock = new VirtualClock();
    const backend = createMemoryBackend(clock);
    const ids = new CryptoIds();
    let guid = '';
    for (let n = 0; n < 50; n++) {
      const session = new Session('proj', 'host-a', 'alice', { session: ids.newId(), pid: 1 });
      const deps = createSessionDeps(backend, clock, ids, session, testSettings, new MemoryProcessProbe());
      const running = await startSession(deps, [], fail);
      const app = createWarpApp(deps);
      await app.updatePresence({ status: 'busy' }).catch(() => undefined);
      guid = (await app.registerAgent({ agentType: 'dev', capabilities: ['ts'] })).agent.guid;
      await app.updatePresence({ status: 'busy' });
      await running.stop();
    }
    const stored = await backend.events.read<{ type: string }>({ namespace: 'proj', kind: 'agent', id: guid });
    expect(stored.events.map((e) => e.type)).toEqual(['AgentCompacted']);
  });

  it('register_agent reads one snapshot and a presence update however many sessions crashed before', async () => {
    const clock = new VirtualClock();
    const backend = createMemoryBackend(clock);
    const ids = new CryptoIds();
    const processes = new MemoryProcessProbe();
    let guid = '';
    for (let pid = 1; pid <= 50; pid++) {
      const session = new Session('proj', 'host-a', 'alice', { session: ids.newId(), pid });
      const app = createWarpApp(createSessionDeps(backend, clock, ids, session, testSettings, processes));
      guid = (await app.registerAgent({ agentType: 'dev', capabilities: ['ts'] })).agent.guid;
      await app.updatePresence({ status: 'busy' });
      // Killed: it never says offline, so nothing but the next registration compacts its history.
      processes.end(pid);
    }
    const stored = await backend.events.read<{ type: string }>({ namespace: 'proj', kind: 'agent', id: guid });
    expect(stored.events.map((e) => e.type)).toEqual(['AgentCompacted', 'AgentPresenceUpdated']);
  });

  it('a finished item is compacted to one message and still listed and shown; live items are left alone', async () => {
    const boss = await fleet.agent({ hostname: 'h1' });
    const worker = await fleet.agent({ hostname: 'h2' });
    await worker.registerAgent({ agentType: 'dev', capabilities: ['ts'] });
    const offer = async (taskId: string) =>
      (await boss.broadcastWorkOffer({ taskId, description: taskId, requiredCapability: 'ts' })).workItem.workItemId;
    const done = await offer('done');
    const open = await offer('open');
    const claim = await worker.claimWork({ capability: 'ts', timeout: 100 });
    if (!claim.claimed) throw new Error('no claim');
    await worker.completeWork({ workItemId: claim.workItem.workItemId, summary: 'ok' });

    expect(await compactFinishedWork(boss.deps)).toBe(1);
    expect(await compactFinishedWork(boss.deps), 'a compacted item is not compacted again').toBe(0);
    const stream = (id: string) => ({ namespace: 'proj', kind: 'work' as const, id });
    const stored = await fleet.backend.events.read<WorkItemEvent>(stream(done));
    expect(stored.events.map((e) => e.type)).toEqual(['WorkItemCompacted']);
    expect((await fleet.backend.events.read<WorkItemEvent>(stream(open))).events.map((e) => e.type)).toEqual([
      'WorkOffered',
    ]);

    const shown = await boss.getWorkItem({ workItemId: done });
    expect(shown.workItem).toMatchObject({ status: 'completed', summary: 'ok' });
    const listed = await worker.listWork({});
    expect(listed.items.map((i) => [i.workItemId, i.status]).sort()).toEqual(
      [
        [done, 'completed'],
        [open, 'offered'],
      ].sort(),
    );
    // The queue depth counts the compacted item too, and a listing of live items leaves it out.
    expect(listed.depth).toEqual({ ts: { offered: 1, claimed: 0, deadLettered: 0, completed: 1 } });
    const offered = await worker.listWork({ status: 'offered' });
    expect([offered.items.map((i) => i.workItemId), offered.total, offered.depth]).toEqual([[open], 1, listed.depth]);
    expect((await worker.listWork({ status: 'completed' })).items.map((i) => i.workItemId)).toEqual([done]);
    // The other session saw the compaction through its subscription and agrees.
    expect(await compactFinishedWork(worker.deps)).toBe(0);
    expect((await worker.completeWork({ workItemId: done, summary: 'ok' })).alreadyCompleted).toBe(true);
  });

  it('after the retention a finished item is purged: get_work_item says when it finished and was purged', async () => {
    const boss = await fleet.agent({ hostname: 'h1' });
    await boss.registerAgent({ agentType: 'dev', capabilities: ['ts'] });
    const { workItem } = await boss.broadcastWorkOffer({ taskId: 'old', description: 'x', requiredCapability: 'ts' });
    const claim = await boss.claimWork({ capability: 'ts', timeout: 100 });
    if (!claim.claimed) throw new Error('no claim');
    await boss.completeWork({ workItemId: workItem.workItemId });
    const finishedAt = fleet.clock.now();
    await maintain(boss.deps);
    await fleet.clock.advance(testSettings.workRetentionMs - 1);
    await maintain(boss.deps);
    expect((await boss.getWorkItem({ workItemId: workItem.workItemId })).workItem.status).toBe('completed');

    await fleet.clock.advance(2);
    await maintain(boss.deps);
    const stream = { namespace: 'proj', kind: 'work' as const, id: workItem.workItemId };
    expect(await fleet.backend.events.read(stream)).toEqual({ events: [], revision: 0 });
    expect((await boss.listWork({})).items).toEqual([]);
    const lookUp = boss.getWorkItem({ workItemId: workItem.workItemId });
    await expect(lookUp).rejects.toThrow(
      `finished (completed) at ${new Date(finishedAt).toISOString()} and was purged at ${new Date(fleet.clock.now()).toISOString()}`,
    );
    await expect(boss.getWorkItem({ workItemId: 'w-never' })).rejects.toThrow(/not found/);
  });
});
