import { describe, expect, it } from 'vitest';
import {
  compactFinishedWork,
  createSessionDeps,
  createWarpApp,
  Session,
  startSession,
  type Settings,
  type WarpApi,
} from '../../src/application/index.js';
import { CryptoIds } from '../../src/adapters/system/crypto-ids.js';
import { OsProcessProbe } from '../../src/adapters/system/os-process-probe.js';
import { freshNamespace, type PortsFixture } from './ports.js';

// Long enough that a claim never outlives it on a busy machine (an agent may claim its own expired
// item again, which would look like one item handed out twice), short enough to wait out on NATS.
const LEASE_MS = 1_500;
export const settings: Settings = {
  maxMessageBytes: 4096,
  leaseMs: LEASE_MS,
  maxAttempts: 2,
  dlqTtlMs: 60_000,
  workRetentionMs: 604_800_000,
  heartbeatMs: 60_000,
  staleAfterMs: 180_000,
  channelLimits: { maxMessages: 100_000, maxBytes: 67_108_864, maxChannels: 256, maxReservedBytes: 1_073_741_824 },
};

/** Opens an agent session of namespace `ns` on host `host`: in process, or a thin one served by a hub. */
export type SessionFactory = (ns: string, host: string, settings: Settings) => Promise<AgentSession>;

export interface AgentSession {
  readonly app: WarpApi;
  stop(): Promise<void>;
  /** Compacts the finished items of the session's namespace, where that is done (here or in the hub); how many. */
  compact(): Promise<number>;
}

const ids = new CryptoIds();

const inProcess =
  (fixture: PortsFixture): SessionFactory =>
  async (ns, host, settings) => {
    const deps = createSessionDeps(
      fixture.ports(),
      fixture.clock,
      ids,
      new Session(ns, host, 'alice', { session: ids.newId(), pid: process.pid }),
      settings,
      new OsProcessProbe(),
    );
    const running = await startSession(deps, [], (error) => {
      throw error;
    });
    return { app: createWarpApp(deps), stop: () => running.stop(), compact: () => compactFinishedWork(deps) };
  };

/**
 * The work queue is WorkItem streams in the event store plus each session's index of them,
 * so its contract runs through the use cases: the same behaviour on every backend.
 */
export function workQueueContract(fixture: PortsFixture, sessions: SessionFactory = inProcess(fixture)): void {
  async function team(): Promise<{
    ns: string;
    boss: WarpApi;
    a: WarpApi;
    b: WarpApi;
    compact(): Promise<number>;
    close(): Promise<void>;
  }> {
    const ns = freshNamespace();
    const opened: AgentSession[] = [];
    const agent = async (host: string, capabilities: string[]): Promise<WarpApi> => {
      const session = await sessions(ns, host, settings);
      opened.push(session);
      await session.app.registerAgent({ agentType: `dev-${host}`, capabilities });
      return session.app;
    };
    const [boss, a, b] = [await agent('boss', ['plan']), await agent('a', ['ts']), await agent('b', ['ts'])];
    return {
      ns,
      boss,
      a,
      b,
      compact: () => opened[1]!.compact(),
      close: async () => void (await Promise.all(opened.map((s) => s.stop()))),
    };
  }
  const claim = (app: WarpApi, capability = 'ts', timeout = 100) =>
    fixture.settle(app.claimWork({ capability, timeout }));
  // A claim that must succeed may wait for the news of a release to reach this agent.
  const claimNow = async (app: WarpApi, capability = 'ts') => {
    const result = await claim(app, capability, 5_000);
    if (!result.claimed) throw new Error(`expected a claimable ${capability} item`);
    return result.workItem;
  };

  describe('work queue', () => {
    it('skips and counts stored events no decision makes, and goes on deciding after them', async () => {
      const t = await team();
      try {
        const { events, quarantine } = fixture.ports();
        const skippedBefore = quarantine.counts()['replay'] ?? 0;
        const { workItem } = await t.boss.broadcastWorkOffer({
          taskId: 'forged',
          description: 'x',
          requiredCapability: 'ts',
        });
        const stream = { namespace: t.ns, kind: 'work' as const, id: workItem.workItemId };
        // Appended past the deciders, as a hostile or broken writer would: completion of an item nobody holds.
        const { revision } = await events.read(stream);
        await events.append(stream, [{ type: 'WorkCompleted', v: 1, holder: 'mallory', at: 1 }], revision);
        const claimed = await claimNow(t.a);
        expect(claimed).toMatchObject({ workItemId: workItem.workItemId, status: 'claimed', attempts: 1 });
        const shown = await t.boss.getWorkItem({ workItemId: workItem.workItemId });
        expect(shown.events.map((e) => e.type)).toEqual(['WorkOffered', 'WorkClaimed']);
        expect(quarantine.counts()['replay']).toBe(skippedBefore + 1);
      } finally {
        await t.close();
      }
    });

    it('hands the highest priority first, then the oldest, and each item to one agent only', async () => {
      const t = await team();
      try {
        await t.boss.broadcastWorkOffer({ taskId: 'low', description: 'x', requiredCapability: 'ts', priority: 1 });
        await t.boss.broadcastWorkOffer({ taskId: 'high', description: 'x', requiredCapability: 'ts', priority: 9 });
        await t.boss.broadcastWorkOffer({ taskId: 'low-2', description: 'x', requiredCapability: 'ts', priority: 1 });
        const claims = await Promise.all([t.a, t.b, t.a].map((app) => claimNow(app)));
        expect(claims.map((c) => c.taskId).sort()).toEqual(['high', 'low', 'low-2']);
        expect(new Set(claims.map((c) => c.workItemId)).size).toBe(3);
        expect((await claim(t.b)).claimed).toBe(false);
      } finally {
        await t.close();
      }
    });

    it('routes by capability: an agent without it is refused, one with it gets the item', async () => {
      const t = await team();
      try {
        await t.boss.broadcastWorkOffer({ taskId: 'ts-only', description: 'x', requiredCapability: 'ts' });
        await expect(claim(t.boss)).rejects.toThrow(/capabilit/);
        expect((await claimNow(t.a)).taskId).toBe('ts-only');
      } finally {
        await t.close();
      }
    });

    it('gives an item back when its lease runs out; the old holder can no longer complete it', async () => {
      const t = await team();
      try {
        const { workItem } = await t.boss.broadcastWorkOffer({
          taskId: 'slow',
          description: 'x',
          requiredCapability: 'ts',
        });
        await claimNow(t.a);
        expect((await claim(t.b)).claimed).toBe(false);
        await fixture.advance(LEASE_MS + 50);
        const second = await claimNow(t.b);
        expect(second.attempts).toBe(2);
        await expect(t.a.completeWork({ workItemId: workItem.workItemId })).rejects.toThrow(/held by another agent/);
        expect((await t.b.completeWork({ workItemId: workItem.workItemId })).workItem.status).toBe('completed');
      } finally {
        await t.close();
      }
    });

    it('dead-letters after the max attempts with every reason, then retries and discards', async () => {
      const t = await team();
      try {
        const { workItem } = await t.boss.broadcastWorkOffer({
          taskId: 'flaky',
          description: 'x',
          requiredCapability: 'ts',
        });
        const id = workItem.workItemId;
        await claimNow(t.a);
        await t.a.failWork({ workItemId: id, error: 'first' });
        await claimNow(t.b);
        await t.b.failWork({ workItemId: id, error: 'second' });
        expect((await claim(t.a)).claimed).toBe(false);
        const dlq = await t.boss.listDeadLetterItems({});
        expect(dlq.items.map((i) => [i.workItemId, i.attemptHistory.map((h) => h.reason)])).toEqual([
          [id, ['failed: first', 'failed: second']],
        ]);
        await t.boss.retryDeadLetterItem({ itemId: id });
        await claimNow(t.a);
        await t.a.failWork({ workItemId: id, error: 'third', retryable: false });
        await t.boss.discardDeadLetterItem({ itemId: id });
        expect((await t.boss.listDeadLetterItems({})).total).toBe(0);
      } finally {
        await t.close();
      }
    });

    it('a waiting claim wakes when a qualified offer arrives', async () => {
      const t = await team();
      try {
        const waiting = t.a.claimWork({ capability: 'ts', timeout: 30_000 });
        const { workItem } = await t.boss.broadcastWorkOffer({
          taskId: 'late',
          description: 'x',
          requiredCapability: 'ts',
        });
        const claim = await waiting;
        expect(claim.claimed && claim.workItem.workItemId).toBe(workItem.workItemId);
      } finally {
        await t.close();
      }
    });

    it('compacts a finished item to its one snapshot, which every session reads back as the same item', async () => {
      const t = await team();
      try {
        const { workItem } = await t.boss.broadcastWorkOffer({
          taskId: 'done',
          description: 'x',
          requiredCapability: 'ts',
        });
        const claimed = await claimNow(t.a);
        await t.a.completeWork({ workItemId: claimed.workItemId, result: { ok: true }, summary: 'done' });
        const before = (await t.boss.getWorkItem({ workItemId: workItem.workItemId })).workItem;
        expect(await t.compact()).toBe(1);
        const stream = { namespace: t.ns, kind: 'work' as const, id: workItem.workItemId };
        const stored = await fixture.ports().events.read<{ type: string }>(stream);
        expect(stored.events.map((e) => e.type)).toEqual(['WorkItemCompacted']);
        const after = await t.b.getWorkItem({ workItemId: workItem.workItemId });
        expect(after.workItem).toEqual(before);
        expect((await t.a.completeWork({ workItemId: workItem.workItemId })).alreadyCompleted).toBe(true);
        expect((await t.boss.listWork({ capability: 'ts' })).items).toContainEqual(before);
      } finally {
        await t.close();
      }
    });
  });
}
