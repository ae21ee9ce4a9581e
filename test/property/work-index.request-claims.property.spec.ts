import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CountingQuarantine } from '../../src/adapters/system/counting-quarantine.js';
import { WorkIndex } from '../../src/application/work/work-index.js';
import {
  claimedUnder,
  DomainError,
  workItemDecider,
  type WorkItemCommand,
  type WorkItemEvent,
  type WorkItemState,
} from '../../src/domain/index.js';

const IDS = ['w-1', 'w-2', 'w-3'];
const HOLDERS = ['a', 'b'];
const REQUESTS = ['r1', 'r2', 'r3'];
const spec = (id: string) => ({
  id,
  taskId: id,
  description: id,
  capability: 'ts',
  priority: 5,
  offeredBy: 'boss',
  namespace: 'proj',
});

type Untimed = (now: number, id: string, holder: string, requestId: string) => WorkItemCommand;
const command: fc.Arbitrary<Untimed> = fc.constantFrom<Untimed>(
  (now, id) => ({ type: 'OfferWork', spec: spec(id), policy: { leaseMs: 100, maxAttempts: 3, dlqTtlMs: 50 }, now }),
  (now, _, holder, requestId) => ({ type: 'ClaimWork', holder, leaseMs: 100, dlqTtlMs: 50, now, requestId }),
  (now, _, holder) => ({ type: 'ClaimWork', holder, leaseMs: 100, dlqTtlMs: 50, now }),
  (now, _, holder, requestId) => ({ type: 'ReportProgress', holder, progress: 5, leaseMs: 100, now, requestId }),
  (now, _, holder, requestId) => ({ type: 'CompleteWork', holder, now, requestId }),
  (now, _, holder, requestId) => ({
    type: 'FailWork',
    holder,
    error: 'x',
    retryable: true,
    dlqTtlMs: 50,
    now,
    requestId,
  }),
  (now) => ({ type: 'ExpireLease', dlqTtlMs: 50, now }),
  (now) => ({ type: 'CompactWork', now }),
);
const steps = fc.array(
  fc.record({
    id: fc.constantFrom(...IDS),
    holder: fc.constantFrom(...HOLDERS),
    requestId: fc.constantFrom(...REQUESTS),
    dt: fc.nat({ max: 60 }),
    command,
  }),
  { maxLength: 80 },
);

const fold = (events: readonly WorkItemEvent[]): WorkItemState =>
  events.reduce(workItemDecider.evolve, workItemDecider.initialState());

describe("the work index's claims by request id (ADR 0042)", () => {
  it('finds the item a holder claimed under an id while that claim holds it, and keeps only live claims', () => {
    fc.assert(
      fc.property(steps, (ops) => {
        const index = new WorkIndex(new CountingQuarantine(() => undefined), 1);
        const history = new Map<string, WorkItemEvent[]>();
        let revision = 0;
        let now = 0;
        for (const { id, holder, requestId, dt, command: make } of ops) {
          now += dt;
          let events: WorkItemEvent[];
          try {
            events = workItemDecider.decide(make(now, id, holder, requestId), fold(history.get(id) ?? []));
          } catch (error) {
            if (error instanceof DomainError) continue;
            throw error;
          }
          if (events.length === 0) continue;
          history.set(id, [...(history.get(id) ?? []), ...events]);
          index.apply({ stream: { namespace: 'proj', kind: 'work', id }, revision: ++revision, events });
        }
        for (const holder of HOLDERS)
          for (const requestId of REQUESTS) {
            // The decider alone lets one id claim several items (the use case tries the first one first).
            const truth = IDS.filter((id) => claimedUnder(fold(history.get(id) ?? []), holder, requestId));
            const found = index.claimedUnder(holder, requestId)?.state.spec.id;
            if (found !== undefined) expect(truth).toContain(found);
            if (truth.length === 1) expect(found).toBe(truth[0]);
          }
        // Bounded by what is claimed now: a claim that ended leaves nothing behind.
        const claimed = index.live((s) => s.status === 'claimed' && s.requestId !== undefined).length;
        expect(index['requestClaims'].size).toBeLessThanOrEqual(claimed);
      }),
    );
  });
});
