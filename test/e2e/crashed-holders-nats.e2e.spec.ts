import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StdioAgent } from '../support/stdio-agent.js';
import { stdioFleetOnNats } from '../support/stdio-fleet.js';

const ITEMS = 24;
const WORKERS = 3;
const LEASE_MS = 1_500;
const MAX_ATTEMPTS = 3;

interface Claimed {
  readonly claimed: boolean;
  readonly workItem?: { readonly workItemId: string; readonly attempts: number };
}

describe('workers killed with SIGKILL while holding work, on a real nats-server', () => {
  const fleet = stdioFleetOnNats({ WORKQUEUE_ACK_TIMEOUT: String(LEASE_MS), WORKQUEUE_MAX_ATTEMPTS: String(MAX_ATTEMPTS) });
  const start = (namespace: string): Promise<StdioAgent> => fleet.start({ WARP_NAMESPACE: namespace });
  let workers = 0;
  const worker = async (namespace: string): Promise<StdioAgent> => {
    const agent = await start(namespace);
    await agent.call('register_agent', { agentType: `worker-${++workers}`, capabilities: ['crash'] });
    return agent;
  };

  it('every item is completed exactly once or dead-lettered with its reasons; none is lost', async () => {
    // Which claims end in a crash: drawn once per run; a failure prints the seed to replay it.
    const crashes = fc.sample(fc.array(fc.boolean(), { minLength: ITEMS * MAX_ATTEMPTS, maxLength: ITEMS * MAX_ATTEMPTS }), 1)[0]!.map((b, i) => i === 1 || (b && i % 3 === 0));
    const boss = await start('crash');
    await boss.call('register_agent', { agentType: 'boss' });
    const offered = new Set<string>();
    for (let n = 0; n < ITEMS; n++) {
      offered.add((await boss.call('broadcast_work_offer', { taskId: `job-${n}`, description: 'x', requiredCapability: 'crash' })).workItem.workItemId);
    }
    const completions = new Map<string, number>();
    let claims = 0;
    let killed = 0;
    const settled = async (): Promise<boolean> => {
      const { depth } = await boss.call('list_work', { capability: 'crash', limit: 500 });
      const d = depth['crash'] ?? { offered: 0, claimed: 0 };
      return d.offered === 0 && d.claimed === 0;
    };
    const lane = async (): Promise<void> => {
      let me = await worker('crash');
      while (!(await settled())) {
        const claim = await me.call<Claimed>('claim_work', { capability: 'crash', timeout: LEASE_MS + 500 });
        if (!claim.claimed) continue;
        const id = claim.workItem!.workItemId;
        if (crashes[claims++ % crashes.length]) {
          me.kill('SIGKILL');
          killed++;
          me = await worker('crash');
          continue;
        }
        const done = await me.call('complete_work', { workItemId: id });
        if (!done.alreadyCompleted) completions.set(id, (completions.get(id) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, lane));

    const dead = await boss.call('list_dead_letter_items', { capability: 'crash', limit: 100 });
    const deadIds = new Set<string>(dead.items.map((i: { workItemId: string }) => i.workItemId));
    for (const item of dead.items) {
      expect(item.attemptHistory).toHaveLength(MAX_ATTEMPTS);
      for (const attempt of item.attemptHistory) expect(attempt.reason).toMatch(/lease expired/);
    }
    for (const id of offered) expect(completions.has(id) !== deadIds.has(id), `item ${id} must be completed or dead-lettered, not both or neither`).toBe(true);
    expect([...completions.values()].every((n) => n === 1)).toBe(true);
    expect(completions.size + deadIds.size).toBe(ITEMS);
    expect(killed).toBeGreaterThan(0);
  });

  it('two holders racing after a lease expiry: one completion wins, the other is told why not', async () => {
    const boss = await start('race');
    await boss.call('register_agent', { agentType: 'race-boss' });
    const [first, second] = [await worker('race'), await worker('race')];
    const { workItem } = await boss.call('broadcast_work_offer', { taskId: 'race-1', description: 'x', requiredCapability: 'crash' });
    expect((await first.call<Claimed>('claim_work', { capability: 'crash', timeout: 5_000 })).workItem?.workItemId).toBe(workItem.workItemId);
    // The second claim waits for the first lease to run out, then takes the item over.
    const takeover = await second.call<Claimed>('claim_work', { capability: 'crash', timeout: 10_000 });
    expect(takeover.workItem).toMatchObject({ workItemId: workItem.workItemId, attempts: 2 });
    const [late, winner] = await Promise.all([
      first.callError('complete_work', { workItemId: workItem.workItemId }),
      second.call('complete_work', { workItemId: workItem.workItemId }),
    ]);
    // Depending on which lands first, the late holder hears that another holds it or that it is already done.
    expect(late).toMatch(/held by another agent|is completed, not claimed by you/);
    expect(winner.workItem.status).toBe('completed');
  });
});
