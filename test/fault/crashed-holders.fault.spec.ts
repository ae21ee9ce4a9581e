import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNatsServer, type NatsServerHandle } from '../support/nats-server.js';
import type { StdioAgent } from '../support/stdio-agent.js';
import { agentPool } from './fault-support.js';

const ITEMS = 30;
const LANES = 3;
const LEASE_MS = 1_000;
const MAX_ATTEMPTS = 3;
/** Every holder of these crashes, so they run out of attempts and must be dead-lettered. */
const POISON = new Set(['job-4', 'job-17']);

type Crash = 'after-claim' | 'after-progress' | 'while-completing';

/** Where the holder of the k-th claim (counted over all lanes) is SIGKILLed, if at all: fixed, but varied. */
function crashAt(k: number, taskId: string): Crash | undefined {
  // (Never while completing: that completion may land, and a poison item must not complete.)
  if (POISON.has(taskId)) return k % 2 === 0 ? 'after-claim' : 'after-progress';
  if (k % 7 === 2) return 'after-claim';
  if (k % 7 === 5) return 'after-progress';
  if (k % 11 === 8) return 'while-completing';
  return undefined;
}

interface Claim {
  readonly claimed: boolean;
  readonly workItem?: { readonly workItemId: string; readonly taskId: string; readonly attempts: number };
}

interface Event {
  readonly type: string;
  readonly holder?: string;
}

// Dozens of agent processes are started and killed here: on a busy 2-core machine that alone can
// take longer than the default 30 s per test, so this suite has room for it.
describe('holders SIGKILLed while holding work, on a real nats-server', { timeout: 120_000 }, () => {
  let nats: NatsServerHandle;
  const pool = agentPool();
  const start = (namespace: string): Promise<StdioAgent> =>
    pool.start({
      NATS_URL: nats.url,
      WARP_NAMESPACE: namespace,
      WORKQUEUE_ACK_TIMEOUT: String(LEASE_MS),
      WORKQUEUE_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
    });
  const worker = async (namespace: string, name: string): Promise<{ agent: StdioAgent; guid: string }> => {
    const agent = await start(namespace);
    const { agent: me } = await agent.call('register_agent', { agentType: name, capabilities: ['crash'] });
    return { agent, guid: me.guid };
  };

  beforeAll(async () => {
    nats = await startNatsServer();
  });
  afterAll(async () => {
    await pool.closeAll();
    await nats.dispose();
  });

  it('every item is completed exactly once or dead-lettered with the reason of each attempt; none is lost', async () => {
    const boss = await start('crash');
    await boss.call('register_agent', { agentType: 'boss' });
    const offered = new Map<string, string>(); // workItemId -> taskId
    for (let n = 0; n < ITEMS; n++) {
      const { workItem } = await boss.call('broadcast_work_offer', {
        taskId: `job-${n}`,
        description: `job ${n}`,
        requiredCapability: 'crash',
        priority: 1 + (n % 10),
      });
      offered.set(workItem.workItemId, workItem.taskId);
    }

    /** Completions the test saw acknowledged: item -> the guid of the worker that got the answer. */
    const acknowledged = new Map<string, string[]>();
    const kills = new Map<Crash, number>();
    let claims = 0;
    let spawned = 0;
    const settled = async (): Promise<boolean> => {
      const { depth } = await boss.call('list_work', { capability: 'crash', limit: 1 });
      return depth['crash'].offered === 0 && depth['crash'].claimed === 0;
    };
    const lane = async (): Promise<void> => {
      let me = await worker('crash', `worker-${++spawned}`);
      while (!(await settled())) {
        const claim = await me.agent.call<Claim>('claim_work', { capability: 'crash', timeout: LEASE_MS + 500 });
        if (!claim.claimed) continue;
        const { workItemId, taskId } = claim.workItem!;
        const crash = crashAt(claims++, taskId);
        const holder = me;
        const complete = (): Promise<void> =>
          holder.agent.call('complete_work', { workItemId, result: { by: holder.guid } }).then((done) => {
            if (!done.alreadyCompleted)
              acknowledged.set(workItemId, [...(acknowledged.get(workItemId) ?? []), holder.guid]);
          });
        if (crash === undefined) {
          await complete();
          continue;
        }
        if (crash === 'after-progress')
          await me.agent.call('report_work_progress', { workItemId, progress: 50, message: 'half way' });
        // While completing: the request is on its way when the process dies; it may or may not have been stored.
        const inFlight = crash === 'while-completing' ? complete().catch(() => undefined) : Promise.resolve();
        // Lets the client write the request to the server's stdin before the kill.
        if (crash === 'while-completing') await new Promise((resolve) => setImmediate(resolve));
        me.agent.kill('SIGKILL');
        await Promise.all([inFlight, me.agent.exited()]);
        kills.set(crash, (kills.get(crash) ?? 0) + 1);
        me = await worker('crash', `worker-${++spawned}`);
      }
    };
    await Promise.all(Array.from({ length: LANES }, lane));

    // Every crash point was exercised.
    expect([...kills.keys()].sort()).toEqual(['after-claim', 'after-progress', 'while-completing']);
    // No completion was acknowledged twice.
    for (const [id, by] of acknowledged) expect(by, `item ${offered.get(id)}`).toHaveLength(1);

    const dead = await boss.call('list_dead_letter_items', { capability: 'crash', limit: 100 });
    const deadIds = new Set<string>(dead.items.map((i: { workItemId: string }) => i.workItemId));
    for (const item of dead.items) {
      expect(item.attemptHistory.map((a: { reason: string }) => a.reason)).toEqual(
        Array.from({ length: MAX_ATTEMPTS }, () => expect.stringMatching(/lease expired/)),
      );
    }
    let completed = 0;
    for (const [id, taskId] of offered) {
      const { workItem, events } = await boss.call('get_work_item', { workItemId: id });
      const completions = (events as Event[]).filter((e) => e.type === 'WorkCompleted');
      if (workItem.status === 'completed') {
        completed++;
        expect(completions, `${taskId} completed once`).toHaveLength(1);
        // An acknowledged completion is the one that counts (an unacknowledged one may also have landed).
        const ack = acknowledged.get(id);
        if (ack) expect(workItem.completedBy).toBe(ack[0]);
        expect(workItem.result).toEqual({ by: workItem.completedBy });
        expect(deadIds.has(id)).toBe(false);
      } else {
        expect(workItem.status, `${taskId} is neither completed nor dead-lettered`).toBe('dead-lettered');
        expect(deadIds.has(id)).toBe(true);
        expect(completions).toHaveLength(0);
        expect(acknowledged.has(id)).toBe(false);
        expect(workItem.attempts).toBe(MAX_ATTEMPTS);
      }
    }
    for (const id of offered.keys()) if (POISON.has(offered.get(id)!)) expect(deadIds.has(id)).toBe(true);
    expect(completed + deadIds.size).toBe(ITEMS);
    expect(deadIds.size).toBeGreaterThanOrEqual(POISON.size);
  });

  it('two holders after a lease expiry: the late one is refused with the reason, the current one completes', async () => {
    const boss = await start('race');
    await boss.call('register_agent', { agentType: 'race-boss' });
    const first = await worker('race', 'first');
    const second = await worker('race', 'second');
    const { workItem } = await boss.call('broadcast_work_offer', {
      taskId: 'race-1',
      description: 'contested',
      requiredCapability: 'crash',
    });
    const id = workItem.workItemId;
    expect(
      (await first.agent.call<Claim>('claim_work', { capability: 'crash', timeout: 5_000 })).workItem?.workItemId,
    ).toBe(id);
    // The first holder goes silent; the second claim waits for its lease to run out and takes the item over.
    const takeover = await second.agent.call<Claim>('claim_work', { capability: 'crash', timeout: 10_000 });
    expect(takeover.workItem).toMatchObject({ workItemId: id, attempts: 2 });

    // The late holder finishes first: refused, and told why.
    expect(await first.agent.callError('complete_work', { workItemId: id, result: 'from first' })).toMatch(
      /held by another agent \(your lease expired and it was claimed again\); stop working on it/,
    );
    // Both finish at once: only the current holder's completion is accepted, whichever lands first.
    const [late, winner] = await Promise.all([
      first.agent.callError('complete_work', { workItemId: id, result: 'from first, again' }),
      second.agent.call('complete_work', { workItemId: id, result: 'from second' }),
    ]);
    expect(late).toMatch(
      /held by another agent \(your lease expired|is completed, not claimed by you; only the current holder/,
    );
    expect(winner).toMatchObject({
      alreadyCompleted: false,
      workItem: { status: 'completed', completedBy: second.guid, result: 'from second' },
    });
    // After the fact the late holder is still refused, and the winner's retry changes nothing.
    expect(await first.agent.callError('complete_work', { workItemId: id })).toMatch(
      /is completed, not claimed by you/,
    );
    expect(await first.agent.callError('report_work_progress', { workItemId: id, progress: 99 })).toMatch(
      /not claimed by you/,
    );
    expect(await first.agent.callError('fail_work', { workItemId: id, error: 'too late' })).toMatch(
      /not claimed by you/,
    );
    expect((await second.agent.call('complete_work', { workItemId: id, result: 'again' })).alreadyCompleted).toBe(true);

    const { workItem: final, events } = await boss.call('get_work_item', { workItemId: id });
    expect(final).toMatchObject({ status: 'completed', completedBy: second.guid, result: 'from second', attempts: 2 });
    expect((events as Event[]).map((e) => e.type)).toEqual([
      'WorkOffered',
      'WorkClaimed',
      'WorkLeaseExpired',
      'WorkClaimed',
      'WorkCompleted',
    ]);
  });
});
