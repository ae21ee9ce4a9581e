import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryBackend } from '../../../src/adapters/memory/memory-backend.js';
import { MemoryProcessProbe } from '../../../src/adapters/memory/memory-process-probe.js';
import { VirtualClock } from '../../../src/adapters/memory/virtual-clock.js';
import { CryptoIds } from '../../../src/adapters/system/crypto-ids.js';
import {
  compactFinishedWork,
  createSessionDeps,
  createWarpApp,
  purgeExpiredWork,
  Session,
  startSession,
  type WarpApp,
} from '../../../src/application/index.js';
import type { PurgeScan } from '../../../src/application/work/purge-expired-work.js';
import type { EventStore } from '../../../src/ports/index.js';
import { createFleet, testSettings } from '../../support/memory-fleet.js';

/** Offers, claims and completes `count` items as `app`; returns their ids. */
async function finish(app: WarpApp, count: number, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    const { workItem } = await app.broadcastWorkOffer({
      taskId: `${prefix}-${n}`,
      description: 'x',
      requiredCapability: 'ts',
    });
    const claim = await app.claimWork({ capability: 'ts', timeout: 100 });
    if (!claim.claimed) throw new Error('no claim');
    await app.completeWork({ workItemId: workItem.workItemId });
    ids.push(workItem.workItemId);
  }
  return ids;
}

/** Counts the batches the purge is shown, to tell a scan that goes on from one that starts over. */
function countingLooks(events: EventStore): { events: EventStore; looked: () => number } {
  let looked = 0;
  const compactedBefore: EventStore['compactedBefore'] = async (ns, kind, before, after, limit) => {
    const page = await events.compactedBefore(ns, kind, before, after, limit);
    looked += page.batches.length;
    return page as never;
  };
  return {
    looked: () => looked,
    events: new Proxy(events, {
      get: (target, key) => (key === 'compactedBefore' ? compactedBefore : Reflect.get(target, key)),
    }),
  };
}

describe('the retention purge finds what is due in the store, not in a schedule it holds (ADR 0041)', () => {
  let fleet = createFleet();
  afterEach(async () => {
    await fleet.close();
    fleet = createFleet();
  });

  it('purges every item finished before the retention, more than a page of them, and leaves the later ones', async () => {
    const boss = await fleet.agent();
    await boss.registerAgent({ agentType: 'dev', capabilities: ['ts'] });
    const old = await finish(boss, 300, 'old');
    await compactFinishedWork(boss.deps);
    await fleet.clock.advance(testSettings.workRetentionMs / 2);
    const recent = await finish(boss, 3, 'recent');
    await compactFinishedWork(boss.deps);
    await fleet.clock.advance(testSettings.workRetentionMs / 2 + 1);

    expect(await purgeExpiredWork(boss.deps)).toBe(300);
    for (const id of [old[0]!, old[299]!])
      await expect(boss.getWorkItem({ workItemId: id })).rejects.toThrow(/was purged at/);
    for (const id of recent) expect((await boss.getWorkItem({ workItemId: id })).workItem.status).toBe('completed');
    expect(await fleet.backend.tombstones.get('proj', recent[0]!)).toBeUndefined();
  });

  it('goes on where the last round stopped: what it looked at is not looked at again', async () => {
    const boss = await fleet.agent();
    await boss.registerAgent({ agentType: 'dev', capabilities: ['ts'] });
    await finish(boss, 5, 'first');
    await compactFinishedWork(boss.deps);
    await fleet.clock.advance(testSettings.workRetentionMs + 1);
    const counting = countingLooks(boss.deps.events);
    const deps = { ...boss.deps, events: counting.events };
    const scan: PurgeScan = { after: 0 };
    expect(await purgeExpiredWork(deps, scan)).toBe(5);
    expect(counting.looked()).toBe(5);

    await finish(boss, 2, 'second');
    await compactFinishedWork(boss.deps);
    await fleet.clock.advance(testSettings.workRetentionMs + 1);
    expect(await purgeExpiredWork(deps, scan)).toBe(2);
    expect(counting.looked()).toBe(7);
    // A purge that starts over (a process started anew) finds nothing left to purge either.
    expect(await purgeExpiredWork(deps)).toBe(0);
  });

  it('a compaction stored before the cutoff whose item finished after it (clocks apart) waits for a later round', async () => {
    const clock = new VirtualClock();
    // The store's clock is a minute behind the sessions': a compaction looks older than the item's end.
    const backend = createMemoryBackend({ now: () => clock.now() - 60_000, sleep: (ms, s) => clock.sleep(ms, s) });
    const session = new Session('proj', 'host-a', 'alice', { session: 's-1', pid: 1 });
    const deps = createSessionDeps(backend, clock, new CryptoIds(), session, testSettings, new MemoryProcessProbe());
    const running = await startSession(deps, [], (error) => {
      throw error;
    });
    try {
      const app = createWarpApp(deps);
      await app.registerAgent({ agentType: 'dev', capabilities: ['ts'] });
      await finish(app, 1, 'skewed');
      await compactFinishedWork(deps);
      await clock.advance(testSettings.workRetentionMs - 30_000);
      const scan: PurgeScan = { after: 0 };
      expect(await purgeExpiredWork(deps, scan)).toBe(0);
      await clock.advance(31_000);
      expect(await purgeExpiredWork(deps, scan)).toBe(1);
    } finally {
      await running.stop();
    }
  });
});
