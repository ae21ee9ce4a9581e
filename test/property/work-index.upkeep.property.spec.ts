import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CountingQuarantine } from '../../src/adapters/system/counting-quarantine.js';
import { WorkIndex } from '../../src/application/work/work-index.js';
import {
  DomainError,
  isFinished,
  leaseExpired,
  workItemDecider,
  type WorkItemCommand,
  type WorkItemEvent,
} from '../../src/domain/index.js';

const ITEMS = ['w-1', 'w-2', 'w-3'];
const spec = (id: string, capability: string) => ({
  id,
  taskId: `t-${id}`,
  description: id,
  capability,
  priority: 5,
  offeredBy: 'boss',
  namespace: 'proj',
});
const TIMING = { leaseMs: 10, dlqTtlMs: 20 };

type Step = { item: number; capability: 'a' | 'b'; kind: WorkItemCommand['type'] | 'checkpoint'; dt: number };
const steps = fc.array(
  fc.record({
    item: fc.integer({ min: 0, max: ITEMS.length - 1 }),
    capability: fc.constantFrom<'a' | 'b'>('a', 'b'),
    kind: fc.constantFrom<Step['kind']>(
      'OfferWork',
      'ClaimWork',
      'CompleteWork',
      'FailWork',
      'ExpireLease',
      'RetryDeadLetter',
      'DiscardDeadLetter',
      'CompactWork',
      'checkpoint',
    ),
    dt: fc.integer({ min: 0, max: 15 }),
  }),
  { maxLength: 40 },
);

function command({ item, capability, kind }: Step, now: number): WorkItemCommand | undefined {
  const id = ITEMS[item]!;
  switch (kind) {
    case 'OfferWork':
      return { type: kind, spec: spec(id, capability), policy: { ...TIMING, maxAttempts: 2 }, now };
    case 'ClaimWork':
      return { type: kind, holder: 'h', ...TIMING, now };
    case 'CompleteWork':
      return { type: kind, holder: 'h', now };
    case 'FailWork':
      return { type: kind, holder: 'h', error: 'x', retryable: true, dlqTtlMs: TIMING.dlqTtlMs, now };
    case 'ExpireLease':
      return { type: kind, dlqTtlMs: TIMING.dlqTtlMs, now };
    case 'RetryDeadLetter':
      return { type: kind, resetAttempts: false, now };
    case 'DiscardDeadLetter':
    case 'CompactWork':
      return { type: kind, now };
    case 'checkpoint':
      return undefined;
  }
}

describe('a work index finds its upkeep without scanning every item', () => {
  it('uncompacted and expiredClaims list what a scan of every live item would, batchesOf each batch since the offer, after any history and restores', () => {
    fc.assert(
      fc.property(steps, (history) => {
        let index = new WorkIndex(new CountingQuarantine());
        let now = 0;
        let revision = 0;
        // The revisions of each item's batches since its offer, while the index may know them all.
        const batches = new Map<string, number[]>();
        for (const step of history) {
          now += step.dt;
          const cmd = command(step, now);
          if (!cmd) {
            // A restart from a checkpoint of the index as it stands: what came before is not in it.
            const restored = new WorkIndex(new CountingQuarantine());
            restored.restoreSaved(index.saved());
            index = restored;
            batches.clear();
            continue;
          }
          const id = ITEMS[step.item]!;
          let events: readonly WorkItemEvent[];
          try {
            events = workItemDecider.decide(cmd, index.get(id)?.state ?? workItemDecider.initialState());
          } catch (error) {
            if (error instanceof DomainError) continue;
            throw error;
          }
          if (events.length > 0) {
            index.apply({ stream: { namespace: 'proj', kind: 'work', id }, revision: ++revision, events });
            if (events[0]!.type === 'WorkOffered') batches.set(id, [revision]);
            else if (events[0]!.type === 'WorkItemCompacted') batches.delete(id);
            else batches.get(id)?.push(revision);
          }
          for (const item of ITEMS) expect(index.batchesOf(item)).toEqual(batches.get(item));
          const ids = (entries: ReadonlyArray<{ state: { spec: { id: string } } }>) =>
            entries.map((e) => e.state.spec.id).sort();
          const live = index.live();
          expect(ids(index.uncompacted(now))).toEqual(ids(live.filter((e) => isFinished(e.state, now))));
          const claimed = live.filter((e) => e.state.status === 'claimed' && leaseExpired(e.state, now));
          expect(ids(index.expiredClaims(now))).toEqual(ids(claimed));
          expect(ids(index.expiredClaims(now, 'a'))).toEqual(
            ids(claimed.filter((e) => e.state.spec.capability === 'a')),
          );
        }
      }),
      { numRuns: 300 },
    );
  });
});
