import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CountingQuarantine } from '../../src/adapters/system/counting-quarantine.js';
import { WorkIndex } from '../../src/application/work/work-index.js';
import {
  DomainError,
  isClaimable,
  isFinished,
  workItemDecider,
  type WorkItemCommand,
  type WorkItemEvent,
  type WorkItemState,
} from '../../src/domain/index.js';

const IDS = ['w-1', 'w-2', 'w-3', 'w-4', 'w-5'];
const spec = (id: string) => ({
  id,
  taskId: id,
  description: id,
  capability: 'ts',
  // Two items share a priority, so both halves of the claim order are exercised.
  priority: 4 + (Number(id.slice(2)) % 3),
  offeredBy: 'boss',
  namespace: 'proj',
});

type Untimed = (now: number, id: string) => WorkItemCommand;
const command: fc.Arbitrary<Untimed> = fc.constantFrom<Untimed>(
  (now, id) => ({ type: 'OfferWork', spec: spec(id), policy: { leaseMs: 100, maxAttempts: 2, dlqTtlMs: 50 }, now }),
  (now) => ({ type: 'ClaimWork', holder: 'a', leaseMs: 100, dlqTtlMs: 50, now }),
  (now) => ({ type: 'CompleteWork', holder: 'a', now }),
  (now) => ({ type: 'FailWork', holder: 'a', error: 'x', retryable: false, dlqTtlMs: 50, now }),
  (now) => ({ type: 'DiscardDeadLetter', now }),
  (now) => ({ type: 'CompactWork', now }),
  (now) => ({ type: 'CompactWork', now }),
);
const steps = fc.array(fc.record({ id: fc.constantFrom(...IDS), dt: fc.nat({ max: 40 }), command }), {
  maxLength: 80,
});

const fold = (events: readonly WorkItemEvent[]): WorkItemState =>
  events.reduce(workItemDecider.evolve, workItemDecider.initialState());

describe('the work index forgets finished items', () => {
  it('its live items equal a full fold of every history, whatever the window of finished ones keeps', () => {
    fc.assert(
      fc.property(steps, fc.nat({ max: 3 }), (ops, recentLimit) => {
        const index = new WorkIndex(new CountingQuarantine(() => undefined), recentLimit);
        const history = new Map<string, WorkItemEvent[]>();
        let revision = 0;
        let now = 0;
        for (const { id, dt, command: make } of ops) {
          now += dt;
          const cmd = make(now, id);
          const before = fold(history.get(id) ?? []);
          let events: WorkItemEvent[];
          try {
            events = workItemDecider.decide(cmd, before);
          } catch (error) {
            if (error instanceof DomainError) continue;
            throw error;
          }
          if (events.length === 0) continue;
          history.set(id, [...(history.get(id) ?? []), ...events]);
          index.apply({ stream: { namespace: 'proj', kind: 'work', id }, revision: ++revision, events });
        }
        const live = (state: WorkItemState) => state.status !== 'absent' && !isFinished(state, now);
        const expected = IDS.map((id) => [id, fold(history.get(id) ?? [])] as const).filter(([, s]) => live(s));
        const indexed = IDS.map((id) => [id, index.get(id)?.state] as const).filter(([, s]) => s && live(s));
        expect(indexed).toEqual(expected);
        // Whatever it still holds of finished items is their true state, and no more than the window.
        const compacted = index.items((s) => isFinished(s, now) && !index.uncompacted(now).some((u) => u.state === s));
        expect(compacted.length).toBeLessThanOrEqual(recentLimit);
        for (const { state } of index.items()) expect(state).toEqual(fold(history.get(state.spec.id)!));
        // What is offered, claimed or a dead letter not yet expired is live: a search for it can skip the window.
        const open = (s: WorkItemState) =>
          s.status === 'offered' || s.status === 'claimed' || (s.status === 'dead-lettered' && !isFinished(s, now));
        expect(index.live(open)).toEqual(index.items(open));
        // The window's counts are what it holds.
        const liveIds = new Set(index.live().map((e) => e.state.spec.id));
        const windowed = index.items().filter((e) => !liveIds.has(e.state.spec.id));
        const counted = { completed: 0, deadLettered: 0, discarded: 0 };
        for (const { state } of windowed)
          counted[state.status === 'dead-lettered' ? 'deadLettered' : (state.status as 'completed' | 'discarded')]++;
        const counts = index.finishedCounts().get('ts');
        expect(counts ?? { completed: 0, deadLettered: 0, discarded: 0 }).toEqual(counted);
        expect(index.finishedCounts('other').size).toBe(0);
        // A claim sees exactly the claimable items, best first.
        const claimable = [...index.claimable('ts', now)].map((e) => e.state);
        const ids = (states: readonly WorkItemState[]) => states.map((s) => (s.status === 'absent' ? '' : s.spec.id));
        expect(ids(claimable).sort()).toEqual(
          ids(expected.map(([, s]) => s).filter((s) => isClaimable(s, now))).sort(),
        );
        const order = claimable.map((s) => [-s.spec.priority, s.offeredAt] as const);
        expect(order).toEqual([...order].sort((a, b) => a[0] - b[0] || a[1] - b[1]));
      }),
      { numRuns: 300 },
    );
  });
});
