import { describe, expect, it } from 'vitest';
import {
  completedUnder,
  NotTheHolder,
  WorkItemAlreadyClaimed,
  workItemDecider,
  type WorkItemCommand,
  type WorkItemEvent,
  type WorkItemState,
  type WorkSpec,
} from '../../../src/domain/index.js';
import { fold, spec } from '../../support/given-when-then.js';

/**
 * A call asked again with its request id (ADR 0037) is recognised from the item's own events, so
 * whichever hub decides the repeat answers with the first outcome (ADR 0042).
 */
const LEASE = 1_000;
const TTL = 5_000;
const workSpec: WorkSpec = {
  id: 'w-1',
  taskId: 't-1',
  description: 'Fix the bug',
  capability: 'typescript',
  priority: 5,
  offeredBy: 'boss',
  namespace: 'proj',
};
const offered: WorkItemEvent = {
  type: 'WorkOffered',
  v: 2,
  spec: workSpec,
  policy: { leaseMs: LEASE, maxAttempts: 3, dlqTtlMs: TTL },
  at: 0,
};
const under = (requestId?: string) => (requestId !== undefined ? { requestId } : {});
const claimed = (holder: string, attempt: number, at: number, requestId?: string): WorkItemEvent => ({
  type: 'WorkClaimed',
  v: 1,
  holder,
  attempt,
  leaseUntil: at + LEASE,
  at,
  ...under(requestId),
});
const completed = (holder: string, at: number, requestId?: string): WorkItemEvent => ({
  type: 'WorkCompleted',
  v: 1,
  holder,
  at,
  ...under(requestId),
});
const failed = (holder: string, attempt: number, at: number, requestId?: string): WorkItemEvent => ({
  type: 'WorkFailed',
  v: 1,
  holder,
  attempt,
  error: 'boom',
  retryable: true,
  at,
  ...under(requestId),
});

const claim = (holder: string, now: number, requestId?: string): WorkItemCommand => ({
  type: 'ClaimWork',
  holder,
  leaseMs: LEASE,
  dlqTtlMs: TTL,
  now,
  ...under(requestId),
});
const complete = (holder: string, now: number, requestId?: string): WorkItemCommand => ({
  type: 'CompleteWork',
  holder,
  now,
  ...under(requestId),
});
const fail = (holder: string, now: number, requestId?: string): WorkItemCommand => ({
  type: 'FailWork',
  holder,
  error: 'boom',
  retryable: true,
  dlqTtlMs: TTL,
  now,
  ...under(requestId),
});

const work = spec(workItemDecider);
const stateAfter = (events: readonly WorkItemEvent[]): WorkItemState => fold(workItemDecider, events);

describe('WorkItem decider: calls asked again with their request id', () => {
  describe('ClaimWork', () => {
    it('records the request id on the claim', () =>
      work
        .given([offered])
        .when(claim('a', 100, 'r1'))
        .then([claimed('a', 1, 100, 'r1')]));

    it('a claim asked again with its id is the same claim: nothing new is stored', () =>
      work
        .given([offered, claimed('a', 1, 100, 'r1')])
        .when(claim('a', 200, 'r1'))
        .then([]));

    it('is the same claim even once its lease has run out, while nobody took the item', () =>
      work
        .given([offered, claimed('a', 1, 100, 'r1')])
        .when(claim('a', 5_000, 'r1'))
        .then([]));

    it('another call of the same holder is refused while the lease holds', () =>
      work
        .given([offered, claimed('a', 1, 100, 'r1')])
        .when(claim('a', 200, 'r2'))
        .thenThrows(WorkItemAlreadyClaimed));

    it("another holder's call with the same id is no repeat", () =>
      work
        .given([offered, claimed('a', 1, 100, 'r1')])
        .when(claim('b', 200, 'r1'))
        .thenThrows(WorkItemAlreadyClaimed));

    it('a claim without an id is never taken for a repeat', () =>
      work
        .given([offered, claimed('a', 1, 100)])
        .when(claim('a', 200))
        .thenThrows(WorkItemAlreadyClaimed));

    it('no longer the same claim once the item was taken from it: decided anew', () =>
      work
        .given([offered, claimed('a', 1, 100, 'r1'), failed('a', 1, 200, 'r2'), claimed('b', 2, 300, 'r3')])
        .when(claim('a', 400, 'r1'))
        .thenThrows(WorkItemAlreadyClaimed, /claimed by b/));

    it('the id stays with the claim through a progress report', () => {
      const state = stateAfter([
        offered,
        claimed('a', 1, 100, 'r1'),
        { type: 'WorkProgressReported', v: 1, progress: 50, leaseUntil: 1_500, at: 500 },
      ]);
      expect(workItemDecider.decide(claim('a', 600, 'r1'), state)).toEqual([]);
    });
  });

  describe('CompleteWork', () => {
    it('records the request id on the completion, and the completed state keeps it', () => {
      work
        .given([offered, claimed('a', 1, 100)])
        .when(complete('a', 200, 'r2'))
        .then([completed('a', 200, 'r2')]);
      const state = stateAfter([offered, claimed('a', 1, 100), completed('a', 200, 'r2')]);
      expect(completedUnder(state, 'a', 'r2')).toBe(true);
      expect(completedUnder(state, 'a', 'r9')).toBe(false);
      expect(completedUnder(state, 'b', 'r2')).toBe(false);
    });

    it('a completion asked again with its id stores nothing', () =>
      work
        .given([offered, claimed('a', 1, 100), completed('a', 200, 'r2')])
        .when(complete('a', 300, 'r2'))
        .then([]));

    it('survives compaction: the snapshot keeps the id', () => {
      const done = stateAfter([offered, claimed('a', 1, 100), completed('a', 200, 'r2')]);
      const [snapshot] = workItemDecider.decide({ type: 'CompactWork', now: 300 }, done);
      expect(completedUnder(stateAfter([snapshot!]), 'a', 'r2')).toBe(true);
    });
  });

  describe('FailWork', () => {
    it('records the request id on the failure and in the attempt history', () => {
      work
        .given([offered, claimed('a', 1, 100)])
        .when(fail('a', 200, 'r3'))
        .then([failed('a', 1, 200, 'r3')]);
      const state = stateAfter([offered, claimed('a', 1, 100), failed('a', 1, 200, 'r3')]);
      expect(state.status === 'offered' && state.history[0]?.requestId).toBe('r3');
    });

    it('a failure asked again with its id is the one recorded, not "not claimed by you"', () =>
      work
        .given([offered, claimed('a', 1, 100), failed('a', 1, 200, 'r3')])
        .when(fail('a', 300, 'r3'))
        .then([]));

    it('is still recognised after another agent claimed the item', () =>
      work
        .given([offered, claimed('a', 1, 100), failed('a', 1, 200, 'r3'), claimed('b', 2, 300, 'r4')])
        .when(fail('a', 400, 'r3'))
        .then([]));

    it('another call of the former holder is still refused', () =>
      work
        .given([offered, claimed('a', 1, 100), failed('a', 1, 200, 'r3')])
        .when(fail('a', 300, 'r5'))
        .thenThrows(NotTheHolder, /not claimed by you/));

    it("another holder's failure under the same id is no repeat", () =>
      work
        .given([offered, claimed('a', 1, 100), failed('a', 1, 200, 'r3')])
        .when(fail('b', 300, 'r3'))
        .thenThrows(NotTheHolder));

    it('a failure without an id is never taken for a repeat', () =>
      work
        .given([offered, claimed('a', 1, 100), failed('a', 1, 200)])
        .when(fail('a', 300))
        .thenThrows(NotTheHolder));
  });
});
