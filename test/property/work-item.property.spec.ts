import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  workItemDecider,
  type WorkItemCommand,
  type WorkItemEvent,
  type WorkItemState,
  type WorkSpec,
} from '../../src/domain/index.js';
import { checkCompaction, playAndCheck, timed, type Step, type Untimed } from './decider-laws.js';

/** Mostly two agents, so finishing commands often come from the holder; a third now and then. */
const holder = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('a', 'b') },
  { weight: 1, arbitrary: fc.constant('c') },
);
const leaseMs = fc.integer({ min: 1, max: 2_000 });
const dlqTtlMs = fc.integer({ min: 1, max: 5_000 });

/** Two priorities and an optional deadline: repeated offers are sometimes identical, sometimes conflicting. */
const workSpec: fc.Arbitrary<WorkSpec> = fc
  .record({
    priority: fc.constantFrom(5, 8),
    deadline: fc.oneof(
      { weight: 3, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom(2_000, 8_000, 30_000) },
    ),
  })
  .map(({ priority, deadline }) => ({
    id: 'w-1',
    taskId: 't-1',
    description: 'Fix the bug',
    capability: 'typescript',
    priority,
    offeredBy: 'boss',
    namespace: 'proj',
    ...(deadline !== undefined ? { deadline } : {}),
  }));

/** The offering session's policy: its lease and dead-letter time differ from the deciding side's on the commands. */
const policy = fc.record({ leaseMs, maxAttempts: fc.integer({ min: 1, max: 4 }), dlqTtlMs });

const offer = fc.record({ type: fc.constant('OfferWork' as const), spec: workSpec, policy });

const command: fc.Arbitrary<Untimed<WorkItemCommand>> = fc.oneof(
  { weight: 1, arbitrary: offer },
  { weight: 6, arbitrary: fc.record({ type: fc.constant('ClaimWork' as const), holder, leaseMs, dlqTtlMs }) },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('ReportProgress' as const),
      holder,
      progress: fc.integer({ min: 0, max: 100 }),
      leaseMs,
    }),
  },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('CompleteWork' as const), holder }) },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant('FailWork' as const),
      holder,
      error: fc.constant('boom'),
      retryable: fc.boolean(),
      dlqTtlMs,
    }),
  },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('ExpireLease' as const), dlqTtlMs }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('RetryDeadLetter' as const), resetAttempts: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('DiscardDeadLetter' as const) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('CompactWork' as const) }) },
);

const step = <T>(arbitrary: fc.Arbitrary<T>) => fc.record({ dt: fc.nat({ max: 1_500 }), command: arbitrary });

/** Histories that usually start with an offer, then anything, with time moving forward. */
const histories: fc.Arbitrary<WorkItemCommand[]> = fc
  .tuple(fc.option(step(offer), { nil: undefined, freq: 10 }), fc.array(step(command), { maxLength: 60, size: 'max' }))
  .map(([first, rest]) => timed<WorkItemCommand>(first ? [first, ...rest] : rest));

type WorkStep = Step<WorkItemCommand, WorkItemState, WorkItemEvent>;

function checkState(state: WorkItemState): void {
  // At most one holder: a holder exists exactly when the item is claimed.
  expect('holder' in state).toBe(state.status === 'claimed');
  if (state.status === 'absent') return;
  expect(state.attempts).toBeGreaterThanOrEqual(0);
  expect(state.attempts).toBeLessThanOrEqual(state.maxAttempts);
  if (state.status === 'claimed') expect(state.attempts).toBeGreaterThanOrEqual(1);
  // An offered item can always be handed out once more: out of attempts means dead-lettered.
  if (state.status === 'offered') expect(state.attempts).toBeLessThan(state.maxAttempts);
  if (state.status === 'dead-lettered') expect(state.expiresAt).toBeGreaterThan(state.deadLetteredAt);
}

const sameSpec = (a: WorkSpec, b: WorkSpec): boolean => a.priority === b.priority && a.deadline === b.deadline;

/** When a command must be accepted, stated from the rules rather than from the code. */
function mustAccept(command: WorkItemCommand, s: WorkItemState): boolean {
  const holds = (holder: string): boolean => s.status === 'claimed' && s.holder === holder;
  switch (command.type) {
    case 'OfferWork':
      return s.status === 'absent' || sameSpec(s.spec, command.spec);
    case 'ClaimWork':
      return s.status === 'offered' || (s.status === 'claimed' && s.leaseUntil <= command.now);
    case 'ReportProgress':
      return holds(command.holder);
    case 'CompleteWork':
      return holds(command.holder) || (s.status === 'completed' && s.completedBy === command.holder);
    case 'FailWork':
      return holds(command.holder);
    case 'ExpireLease':
    case 'CompactWork':
      return true;
    case 'RetryDeadLetter':
    case 'DiscardDeadLetter':
      return s.status === 'dead-lettered' && command.now < s.expiresAt;
  }
}

function checkStep(s: WorkStep): void {
  const { before, command } = s;
  expect(s.accepted, `${command.type} on a ${before.status} item`).toBe(mustAccept(command, before));
  if (!s.accepted) return;
  const { events, after } = s;
  for (const e of events) {
    expect(e.v).toBe(e.type === 'WorkOffered' ? 2 : 1);
    expect(e.at).toBe(command.now);
  }
  checkPolicy(s.log, events, command.now);
  checkState(after);
  if (command.type === 'CompactWork') {
    // Only a finished item is compacted (completed, discarded, or a dead letter past its expiry).
    const finished =
      before.status === 'completed' ||
      before.status === 'discarded' ||
      (before.status === 'dead-lettered' && command.now >= before.expiresAt);
    expect(events.length, `CompactWork on a ${before.status} item`).toBe(finished ? 1 : 0);
    checkCompaction(workItemDecider, before, events, after);
    return;
  }

  // A dead-lettered item is never handed out; a completed one never changes.
  if (before.status === 'dead-lettered') expect(events.some((e) => e.type === 'WorkClaimed')).toBe(false);
  if (before.status === 'completed') {
    expect(events).toEqual([]);
    expect(after).toEqual(before);
  }
  if (before.status === 'discarded') expect(events).toEqual([]);

  const claimedAt = events.findIndex((e) => e.type === 'WorkClaimed');
  if (claimedAt >= 0) {
    // A claim only takes an item nobody holds, or one whose lease ran out (and says so first).
    expect(command.type).toBe('ClaimWork');
    if (before.status === 'claimed') {
      expect(before.leaseUntil).toBeLessThanOrEqual(command.now);
      expect(events.slice(0, claimedAt)).toContainEqual(
        expect.objectContaining({ type: 'WorkLeaseExpired', holder: before.holder }),
      );
    } else {
      expect(before.status).toBe('offered');
    }
    if (before.status !== 'absent') {
      expect(after).toMatchObject({ status: 'claimed', attempts: before.attempts + 1 });
      if (before.spec.deadline !== undefined) expect(command.now).toBeLessThanOrEqual(before.spec.deadline);
    }
  }
  if (events.some((e) => e.type === 'WorkCompleted')) {
    expect(before).toMatchObject({ status: 'claimed', holder: (command as { holder?: string }).holder });
  }
}

/**
 * The item's own policy rules its leases and dead letters, whatever the deciding side's settings
 * on the command say: the policy of the offer that created it (ADR 0035).
 */
function checkPolicy(log: readonly WorkItemEvent[], events: readonly WorkItemEvent[], now: number): void {
  const offered = log.find((e) => e.type === 'WorkOffered');
  if (offered?.type !== 'WorkOffered' || offered.v !== 2) return;
  for (const e of events) {
    if (e.type === 'WorkClaimed' || e.type === 'WorkProgressReported')
      expect(e.leaseUntil).toBe(now + offered.policy.leaseMs);
    if (e.type === 'WorkDeadLettered') expect(e.expiresAt).toBe(now + offered.policy.dlqTtlMs);
  }
  // Without a retry, the item is delivered at most as often as its offer allowed.
  if (!log.some((e) => e.type === 'WorkRetried'))
    for (const e of events)
      if (e.type === 'WorkClaimed') expect(e.attempt).toBeLessThanOrEqual(offered.policy.maxAttempts);
}

/** Across the whole history: one completion at most, and nothing handed out between a dead letter and its retry. */
function checkLog(log: readonly WorkItemEvent[]): void {
  expect(log.filter((e) => e.type === 'WorkCompleted').length).toBeLessThanOrEqual(1);
  let dead = false;
  for (const e of log) {
    if (e.type === 'WorkDeadLettered') dead = true;
    if (e.type === 'WorkRetried') dead = false;
    if (dead) expect(e.type).not.toBe('WorkClaimed');
  }
}

describe('WorkItem properties', () => {
  it('invariants hold after every step of any history; rejections change nothing; replay is deterministic', () => {
    fc.assert(
      fc.property(histories, (commands) => {
        playAndCheck(workItemDecider, commands, (s) => {
          checkStep(s);
          checkLog(s.log);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('a claim on a dead-lettered item never yields WorkClaimed, whatever the time or the holder', () => {
    const deadLettered = fc.constantFrom<WorkItemEvent[]>([
      {
        type: 'WorkOffered',
        v: 1,
        spec: {
          id: 'w-1',
          taskId: 't',
          description: 'd',
          capability: 'c',
          priority: 5,
          offeredBy: 'x',
          namespace: 'p',
        },
        maxAttempts: 1,
        at: 0,
      },
      { type: 'WorkClaimed', v: 1, holder: 'a', attempt: 1, leaseUntil: 10, at: 0 },
      { type: 'WorkFailed', v: 1, holder: 'a', attempt: 1, error: 'e', retryable: false, at: 5 },
      { type: 'WorkDeadLettered', v: 1, reason: 'non-retryable', expiresAt: 105, at: 5 },
    ]);
    fc.assert(
      fc.property(deadLettered, holder, fc.nat({ max: 10_000 }), leaseMs, dlqTtlMs, (events, h, now, lease, ttl) => {
        const state = events.reduce(workItemDecider.evolve, workItemDecider.initialState());
        let emitted: WorkItemEvent[] = [];
        try {
          emitted = workItemDecider.decide({ type: 'ClaimWork', holder: h, leaseMs: lease, dlqTtlMs: ttl, now }, state);
        } catch {
          // rejected, as it must be
        }
        expect(emitted.some((e) => e.type === 'WorkClaimed')).toBe(false);
      }),
    );
  });
  it("an item offered before policies travelled (v1) replays, and takes the deciding side's lease and TTL", () => {
    const v1: WorkItemEvent = {
      type: 'WorkOffered',
      v: 1,
      spec: { id: 'w-1', taskId: 't', description: 'd', capability: 'c', priority: 5, offeredBy: 'x', namespace: 'p' },
      maxAttempts: 2,
      at: 0,
    };
    fc.assert(
      fc.property(fc.array(step(command), { maxLength: 40 }), (steps) => {
        let state = workItemDecider.evolve(workItemDecider.initialState(), v1);
        for (const c of timed<WorkItemCommand>(steps)) {
          let events: WorkItemEvent[];
          try {
            events = workItemDecider.decide(c, state);
          } catch {
            continue;
          }
          for (const e of events) {
            if (e.type === 'WorkClaimed' || e.type === 'WorkProgressReported')
              expect(e.leaseUntil).toBe(c.now + (c as { leaseMs: number }).leaseMs);
            if (e.type === 'WorkDeadLettered') expect(e.expiresAt).toBe(c.now + (c as { dlqTtlMs: number }).dlqTtlMs);
            state = workItemDecider.evolve(state, e);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
