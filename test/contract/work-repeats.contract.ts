import { describe, expect, it } from 'vitest';
import {
  createReadModels,
  createSessionDeps,
  createWarpApp,
  Session,
  startSession,
  type ReadModels,
  type WarpApi,
} from '../../src/application/index.js';
import { CryptoIds } from '../../src/adapters/system/crypto-ids.js';
import { OsProcessProbe } from '../../src/adapters/system/os-process-probe.js';
import type { WorkItemEvent } from '../../src/domain/index.js';
import type { Subscription } from '../../src/ports/index.js';
import { freshNamespace, type PortsFixture } from './ports.js';
import { settings } from './work-queue.contract.js';

const ids = new CryptoIds();
const processes = new OsProcessProbe();

/**
 * A call asked again with its request id through another hub than the first (the first died after
 * storing) gets the first outcome, read from the item's events (ADR 0042). Each "hub" here is what
 * a hub keeps and builds: its own read models following the namespace's work events, and for each
 * request the caller's deps, made by createSessionDeps with the request's id.
 */
export function workRepeatsContract(fixture: PortsFixture): void {
  interface Hub {
    readonly models: ReadModels;
    /** The caller's operations as this hub runs them for the request `requestId`. */
    request(requestId: string): WarpApi;
    /** Stops following the stream: what the hub knows stays as it is now. */
    stopFollowing(): Promise<void>;
  }

  async function team() {
    const ns = freshNamespace();
    const running: Array<{ stop(): Promise<void> }> = [];
    const hubs: Subscription[] = [];
    const open = async (host: string, capabilities: string[]) => {
      const session = new Session(ns, host, 'alice', { session: ids.newId(), pid: process.pid });
      const deps = createSessionDeps(fixture.ports(), fixture.clock, ids, session, settings, processes);
      running.push(await startSession(deps, [], (error) => expect.fail(String(error))));
      const app = createWarpApp(deps);
      await app.registerAgent({ agentType: `dev-${host}`, capabilities });
      return { app, session };
    };
    const boss = (await open('boss', ['plan'])).app;
    const agent = (await open('a', ['ts'])).session;
    /** A hub that starts now: it catches up with the stored work, then follows it. */
    const hub = async (): Promise<Hub> => {
      const { events, quarantine } = fixture.ports();
      const models = createReadModels(quarantine);
      const following = await events.subscribe<WorkItemEvent>(ns, 'work', (batch) => models.work.apply(batch));
      hubs.push(following);
      // As a hub rebuilds the caller from its request: the same agent, a session object of its own.
      const caller = new Session(ns, agent.hostname, agent.username, agent.holder);
      caller.guid = agent.guid;
      return {
        models,
        request: (requestId) =>
          createWarpApp(
            createSessionDeps(fixture.ports(), fixture.clock, ids, caller, settings, processes, models, { requestId }),
          ),
        stopFollowing: () => following.close(),
      };
    };
    const offer = async (taskId: string, priority: number): Promise<string> =>
      (await boss.broadcastWorkOffer({ taskId, description: 'x', requiredCapability: 'ts', priority })).workItem
        .workItemId;
    const stored = async (id: string): Promise<string[]> =>
      (await boss.getWorkItem({ workItemId: id })).events.map((e) => e.type);
    return {
      boss,
      hub,
      offer,
      stored,
      close: async () => {
        await Promise.all(hubs.map((s) => s.close().catch(() => undefined)));
        await Promise.all(running.map((s) => s.stop()));
      },
    };
  }

  const claimOn = async (app: WarpApi): Promise<{ workItemId: string; attempts: number }> => {
    const result = await fixture.settle(app.claimWork({ capability: 'ts', timeout: 100 }));
    if (!result.claimed) throw new Error(`no claim: ${result.reason}`);
    return result.workItem;
  };

  describe('work calls asked again through another hub (request ids in the work events)', () => {
    it('a claim asked again gets the item its first took, and the other item stays offered', async () => {
      const t = await team();
      try {
        const best = await t.offer('best', 9);
        const other = await t.offer('other', 1);
        const first = await claimOn((await t.hub()).request('r-claim'));
        expect(first.workItemId).toBe(best);
        // The first hub died after storing; the session asks again and reaches a hub that follows the stream.
        const again = await claimOn((await t.hub()).request('r-claim'));
        expect(again).toMatchObject({ workItemId: best, attempts: 1 });
        expect(await t.stored(best)).toEqual(['WorkOffered', 'WorkClaimed']);
        expect((await t.boss.getWorkItem({ workItemId: other })).workItem.status).toBe('offered');
        // A call of its own (another id) is decided anew: it takes the other item.
        expect((await claimOn((await t.hub()).request('r-next'))).workItemId).toBe(other);
      } finally {
        await t.close();
      }
    });

    it('a claim asked again of a hub whose models have not seen the first claim still gets its item', async () => {
      const t = await team();
      try {
        const best = await t.offer('best', 9);
        const other = await t.offer('other', 1);
        const behind = await t.hub();
        await behind.stopFollowing();
        expect((await claimOn((await t.hub()).request('r-claim'))).workItemId).toBe(best);
        expect(behind.models.work.get(best)?.state.status).toBe('offered');
        // Its claim on its stale copy conflicts; the stored item shows the claim was this call's.
        expect((await claimOn(behind.request('r-claim'))).workItemId).toBe(best);
        expect(await t.stored(best)).toEqual(['WorkOffered', 'WorkClaimed']);
        expect((await t.boss.getWorkItem({ workItemId: other })).workItem.status).toBe('offered');
      } finally {
        await t.close();
      }
    });

    it('a completion asked again answers as the first: completed now, not already completed', async () => {
      const t = await team();
      try {
        const id = await t.offer('done', 5);
        const first = await t.hub();
        await claimOn(first.request('r-claim'));
        expect((await first.request('r-done').completeWork({ workItemId: id })).alreadyCompleted).toBe(false);
        const second = await t.hub();
        const again = await second.request('r-done').completeWork({ workItemId: id });
        expect(again).toMatchObject({ alreadyCompleted: false, workItem: { status: 'completed' } });
        expect(await t.stored(id)).toEqual(['WorkOffered', 'WorkClaimed', 'WorkCompleted']);
        // Another call of the same agent is told the truth of its own: the item was already completed.
        expect((await second.request('r-other').completeWork({ workItemId: id })).alreadyCompleted).toBe(true);
      } finally {
        await t.close();
      }
    });

    it('a failure asked again is the one recorded, not refused as no longer claimed', async () => {
      const t = await team();
      try {
        const id = await t.offer('flaky', 5);
        const first = await t.hub();
        await claimOn(first.request('r-claim'));
        await first.request('r-fail').failWork({ workItemId: id, error: 'boom' });
        const second = await t.hub();
        const again = await second.request('r-fail').failWork({ workItemId: id, error: 'boom' });
        expect(again.workItem).toMatchObject({ status: 'offered', attempts: 1 });
        expect(again.workItem.attemptHistory).toEqual([
          expect.objectContaining({ attempt: 1, reason: 'failed: boom' }),
        ]);
        expect(await t.stored(id)).toEqual(['WorkOffered', 'WorkClaimed', 'WorkFailed']);
        await expect(second.request('r-other').failWork({ workItemId: id, error: 'boom' })).rejects.toThrow(
          /not claimed by you/,
        );
      } finally {
        await t.close();
      }
    });
  });
}
