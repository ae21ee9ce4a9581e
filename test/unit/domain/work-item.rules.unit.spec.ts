import { describe, expect, it } from 'vitest';
import {
  canTakeWork,
  deadLetterExpired,
  isClaimable,
  qualifiesForOffer,
  renewLeaseEvery,
  WorkItemAlreadyClaimed,
  workItemDecider,
  WorkItemNotClaimable,
  type WorkItemEvent,
  type WorkItemState,
} from '../../../src/domain/index.js';
import { fold } from '../../support/given-when-then.js';

const spec = {
  id: 'w-1',
  taskId: 't-1',
  description: 'Fix the bug',
  capability: 'typescript',
  priority: 5,
  offeredBy: 'boss',
  namespace: 'proj',
};
const offered: WorkItemEvent = { type: 'WorkOffered', v: 1, spec, maxAttempts: 3, at: 0 };
const claimed: WorkItemEvent = { type: 'WorkClaimed', v: 1, holder: 'a1', attempt: 1, leaseUntil: 1_000, at: 0 };
const completed: WorkItemEvent = { type: 'WorkCompleted', v: 1, holder: 'a1', at: 500 };
const deadLettered: WorkItemEvent = { type: 'WorkDeadLettered', v: 1, reason: 'deadline', expiresAt: 9_000, at: 0 };
const discarded: WorkItemEvent = { type: 'WorkDiscarded', v: 1, at: 100 };

const histories: Record<string, readonly WorkItemEvent[]> = {
  absent: [],
  offered: [offered],
  claimed: [offered, claimed],
  completed: [offered, claimed, completed],
  'dead-lettered': [offered, deadLettered],
  discarded: [offered, deadLettered, discarded],
};
const stateAfter = (name: string): WorkItemState => fold(workItemDecider, histories[name]!);

/** The decider's verdict on a claim: true unless it refuses because the item cannot be claimed. */
function deciderAccepts(state: WorkItemState, now: number): boolean {
  try {
    workItemDecider.decide({ type: 'ClaimWork', holder: 'a2', leaseMs: 1_000, dlqTtlMs: 5_000, now }, state);
    return true;
  } catch (error) {
    if (error instanceof WorkItemAlreadyClaimed || error instanceof WorkItemNotClaimable) return false;
    throw error;
  }
}

describe('isClaimable', () => {
  it('given an offered item, a claim may take it', () => {
    expect(isClaimable(stateAfter('offered'), 0)).toBe(true);
  });

  it('given a claimed item, it is claimable from the moment its lease runs out, not before', () => {
    expect(isClaimable(stateAfter('claimed'), 999)).toBe(false);
    expect(isClaimable(stateAfter('claimed'), 1_000)).toBe(true);
  });

  it.each(['absent', 'completed', 'dead-lettered', 'discarded'])('given a %s item, nothing may claim it', (name) => {
    expect(isClaimable(stateAfter(name), 10_000)).toBe(false);
  });

  it('agrees with the decider for every state and moment around the lease end', () => {
    for (const name of Object.keys(histories).filter((n) => n !== 'absent')) {
      for (const now of [0, 999, 1_000, 1_001, 10_000]) {
        expect({ name, now, claimable: isClaimable(stateAfter(name), now) }).toEqual({
          name,
          now,
          claimable: deciderAccepts(stateAfter(name), now),
        });
      }
    }
  });
});

describe('deadLetterExpired', () => {
  const dead = stateAfter('dead-lettered');
  if (dead.status !== 'dead-lettered') throw new Error('the history must end dead-lettered');

  it('given a dead letter, it stays in the queue until its expiry time and is gone from that moment', () => {
    expect([8_999, 9_000].map((now) => deadLetterExpired(dead, now))).toEqual([false, true]);
  });

  it('agrees with the decider: a retry is refused exactly when the dead letter has expired', () => {
    for (const now of [8_999, 9_000]) {
      const retry = () => workItemDecider.decide({ type: 'RetryDeadLetter', resetAttempts: false, now }, dead);
      if (deadLetterExpired(dead, now)) expect(retry).toThrow(/expired from the dead-letter queue/);
      else expect(retry()).toHaveLength(1);
    }
  });
});

describe('renewLeaseEvery', () => {
  it('renews at a third of the lease, so a lost or late renewal still leaves time for the next', () => {
    expect([300_000, 3_000, 100].map(renewLeaseEvery)).toEqual([100_000, 1_000, 33]);
  });

  it('given a progress report at each renewal, the lease never runs out while the holder is at work', () => {
    for (const leaseMs of [100, 3_000, 300_000, 86_400_000]) {
      let state = workItemDecider.evolve(stateAfter('offered'), {
        type: 'WorkClaimed',
        v: 1,
        holder: 'a1',
        attempt: 1,
        leaseUntil: leaseMs,
        at: 0,
      });
      // Ten renewals, each a whole interval late as well: still inside the lease every time.
      for (let now = 2 * renewLeaseEvery(leaseMs), i = 0; i < 10; i++, now += 2 * renewLeaseEvery(leaseMs)) {
        expect(isClaimable(state, now)).toBe(false);
        const [renewed] = workItemDecider.decide(
          { type: 'ReportProgress', holder: 'a1', progress: i, leaseMs, now },
          state,
        );
        state = workItemDecider.evolve(state, renewed!);
      }
    }
  });
});

describe('canTakeWork', () => {
  it('given an agent registered with the capability, it may take the work; without it, not', () => {
    expect(canTakeWork(['typescript', 'review'], 'review')).toBe(true);
    expect(canTakeWork(['typescript'], 'review')).toBe(false);
    expect(canTakeWork([], 'review')).toBe(false);
  });

  it('matches a capability whole, not a part or another case of it', () => {
    expect(canTakeWork(['typescript'], 'type')).toBe(false);
    expect(canTakeWork(['TypeScript'], 'typescript')).toBe(false);
  });
});

describe('qualifiesForOffer', () => {
  const agent = { guid: 'a1', capabilities: ['typescript', 'review'] };

  it("given another agent's offer of a capability the agent has, it is for the agent", () => {
    expect(qualifiesForOffer(agent, { capability: 'typescript', offeredBy: 'boss' })).toBe(true);
  });

  it('given an offer of a capability the agent lacks, it is not for the agent', () => {
    expect(qualifiesForOffer(agent, { capability: 'go', offeredBy: 'boss' })).toBe(false);
  });

  it("given the agent's own offer, it is not for the agent even though it has the capability", () => {
    expect(qualifiesForOffer(agent, { capability: 'typescript', offeredBy: 'a1' })).toBe(false);
  });

  it('given a whole stored offer, it decides on its capability and offerer alone', () => {
    expect(qualifiesForOffer({ guid: 'a2', capabilities: ['typescript'] }, spec)).toBe(true);
    expect(qualifiesForOffer({ guid: 'boss', capabilities: ['typescript'] }, spec)).toBe(false);
  });
});
