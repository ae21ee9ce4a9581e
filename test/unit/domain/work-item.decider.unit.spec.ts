import { describe, expect, it } from 'vitest';
import {
  checkWorkPolicy,
  Conflict,
  NotDeadLettered,
  NotFound,
  NotTheHolder,
  WorkItemAlreadyClaimed,
  workItemDecider,
  WorkItemNotClaimable,
  ValidationError,
  type DeadLetterReason,
  type WorkItemCommand,
  type WorkItemEvent,
  type WorkPolicy,
  type WorkSpec,
} from '../../../src/domain/index.js';
import { fold, spec } from '../../support/given-when-then.js';

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

// Events
/**
 * An offer as stored before policies travelled with it (v1): most cases below start from one, so
 * they show too that such items replay and take the commands' (the deciding side's) lease and TTL.
 */
const offered = (maxAttempts = 3, s: WorkSpec = workSpec): WorkItemEvent => ({
  type: 'WorkOffered',
  v: 1,
  spec: s,
  maxAttempts,
  at: 0,
});
const claimed = (holder: string, attempt: number, at: number): WorkItemEvent => ({
  type: 'WorkClaimed',
  v: 1,
  holder,
  attempt,
  leaseUntil: at + LEASE,
  at,
});
const leaseExpired = (holder: string, attempt: number, at: number): WorkItemEvent => ({
  type: 'WorkLeaseExpired',
  v: 1,
  holder,
  attempt,
  at,
});
const failed = (holder: string, attempt: number, at: number, retryable = true, error = 'boom'): WorkItemEvent => ({
  type: 'WorkFailed',
  v: 1,
  holder,
  attempt,
  error,
  retryable,
  at,
});
const completed = (holder: string, at: number): WorkItemEvent => ({ type: 'WorkCompleted', v: 1, holder, at });
const deadLettered = (reason: DeadLetterReason, at: number): WorkItemEvent => ({
  type: 'WorkDeadLettered',
  v: 1,
  reason,
  expiresAt: at + TTL,
  at,
});
const discarded = (at: number): WorkItemEvent => ({ type: 'WorkDiscarded', v: 1, at });

/** An offer with the item's own policy (v2). */
const offeredWith = (policy: WorkPolicy, at = 0): WorkItemEvent => ({
  type: 'WorkOffered',
  v: 2,
  spec: workSpec,
  policy,
  at,
});

// Commands
const POLICY: WorkPolicy = { leaseMs: LEASE, maxAttempts: 3, dlqTtlMs: TTL };
const offer = (s: WorkSpec = workSpec, now = 0, policy: WorkPolicy = POLICY): WorkItemCommand => ({
  type: 'OfferWork',
  spec: s,
  policy,
  now,
});
const claim = (holder: string, now: number): WorkItemCommand => ({
  type: 'ClaimWork',
  holder,
  leaseMs: LEASE,
  dlqTtlMs: TTL,
  now,
});
const progress = (holder: string, now: number, message?: string): WorkItemCommand => ({
  type: 'ReportProgress',
  holder,
  progress: 40,
  leaseMs: LEASE,
  now,
  ...(message !== undefined ? { message } : {}),
});
const complete = (holder: string, now: number): WorkItemCommand => ({ type: 'CompleteWork', holder, now });
const fail = (holder: string, now: number, retryable = true): WorkItemCommand => ({
  type: 'FailWork',
  holder,
  error: 'boom',
  retryable,
  dlqTtlMs: TTL,
  now,
});
const expireLease = (now: number): WorkItemCommand => ({ type: 'ExpireLease', dlqTtlMs: TTL, now });
const retry = (now: number, resetAttempts = false): WorkItemCommand => ({
  type: 'RetryDeadLetter',
  resetAttempts,
  now,
});
const discard = (now: number): WorkItemCommand => ({ type: 'DiscardDeadLetter', now });

/** Offered with three attempts and failed on every one of them: in the dead-letter queue at 2_500. */
const exhausted: WorkItemEvent[] = [
  offered(),
  claimed('a', 1, 100),
  failed('a', 1, 200),
  claimed('b', 2, 300),
  failed('b', 2, 400),
  claimed('a', 3, 500),
  failed('a', 3, 2_500),
  deadLettered('max-attempts', 2_500),
];

const work = spec(workItemDecider);

describe('WorkItem decider', () => {
  describe('OfferWork', () => {
    it('offers an absent item with its policy', () =>
      work
        .given([])
        .when(offer())
        .then([offeredWith(POLICY)]));

    it('a repeated offer of the same task is stored once', () =>
      work.given([offered()]).when(offer(workSpec, 50)).then([]));

    it('a repeated offer of a task that already completed is stored once too', () =>
      work
        .given([offered(), claimed('a', 1, 100), completed('a', 200)])
        .when(offer(workSpec, 300))
        .then([]));

    it('rejects the same task offered with different details', () =>
      work
        .given([offered()])
        .when(offer({ ...workSpec, priority: 9 }, 50))
        .thenThrows(Conflict, /use a new taskId/));

    it('rejects the same task offered with another deadline', () =>
      work
        .given([offered()])
        .when(offer({ ...workSpec, deadline: 10_000 }, 50))
        .thenThrows(Conflict));
  });

  describe('ClaimWork', () => {
    it('hands an offered item out as attempt 1 with a lease', () =>
      work
        .given([offered()])
        .when(claim('a', 100))
        .then([{ type: 'WorkClaimed', v: 1, holder: 'a', attempt: 1, leaseUntil: 1_100, at: 100 }]));

    it('rejects a claim while the lease is valid', () =>
      work
        .given([offered(), claimed('a', 1, 100)])
        .when(claim('b', 1_099))
        .thenThrows(WorkItemAlreadyClaimed, /claimed by a/));

    it('rejects the holder claiming its own item again while the lease is valid', () =>
      work
        .given([offered(), claimed('a', 1, 100)])
        .when(claim('a', 500))
        .thenThrows(WorkItemAlreadyClaimed));

    it('records the expired lease and hands the item out again as attempt 2', () =>
      work
        .given([offered(), claimed('a', 1, 100)])
        .when(claim('b', 2_000))
        .then([leaseExpired('a', 1, 2_000), claimed('b', 2, 2_000)]));

    it('a lease ends exactly at leaseUntil', () =>
      work
        .given([offered(), claimed('a', 1, 100)])
        .when(claim('b', 1_100))
        .then([leaseExpired('a', 1, 1_100), claimed('b', 2, 1_100)]));

    it('dead-letters with "max-attempts" when the lease of the last attempt expired', () =>
      work
        .given([offered(2), claimed('a', 1, 100), failed('a', 1, 200), claimed('b', 2, 300)])
        .when(claim('c', 5_000))
        .then([leaseExpired('b', 2, 5_000), deadLettered('max-attempts', 5_000)]));

    it('dead-letters with "deadline" instead of handing out an item past its deadline', () =>
      work
        .given([offered(3, { ...workSpec, deadline: 1_000 })])
        .when(claim('a', 1_001))
        .then([deadLettered('deadline', 1_001)]));

    it('still hands out an item exactly at its deadline', () =>
      work
        .given([offered(3, { ...workSpec, deadline: 1_000 })])
        .when(claim('a', 1_000))
        .then([claimed('a', 1, 1_000)]));

    it('records the expired lease, then dead-letters with "deadline" when the deadline passed meanwhile', () =>
      work
        .given([offered(3, { ...workSpec, deadline: 1_500 }), claimed('a', 1, 100)])
        .when(claim('b', 2_000))
        .then([leaseExpired('a', 1, 2_000), deadLettered('deadline', 2_000)]));

    it('dead-letters with "max-attempts" an item offered with no attempts allowed', () =>
      work
        .given([offered(0)])
        .when(claim('a', 100))
        .then([deadLettered('max-attempts', 100)]));

    it('hands a failed item out again as the next attempt', () =>
      work
        .given([offered(), claimed('a', 1, 100), failed('a', 1, 200)])
        .when(claim('b', 300))
        .then([claimed('b', 2, 300)]));

    it('rejects claiming a completed item', () =>
      work
        .given([offered(), claimed('a', 1, 100), completed('a', 200)])
        .when(claim('b', 5_000))
        .thenThrows(WorkItemNotClaimable, /completed/));

    it('never hands out a dead-lettered item', () =>
      work
        .given(exhausted)
        .when(claim('c', 2_600))
        .thenThrows(WorkItemNotClaimable, /dead-lettered/));

    it('rejects claiming a discarded item', () =>
      work
        .given([...exhausted, discarded(2_600)])
        .when(claim('c', 2_700))
        .thenThrows(WorkItemNotClaimable, /discarded/));
  });

  describe('ReportProgress', () => {
    it('records progress and extends the lease from now', () =>
      work
        .given([offered(), claimed('a', 1, 100)])
        .when(progress('a', 900, 'half way'))
        .then([{ type: 'WorkProgressReported', v: 1, progress: 40, message: 'half way', leaseUntil: 1_900, at: 900 }]));

    it('leaves the message out when none was given', () =>
      work
        .given([offered(), claimed('a', 1, 100)])
        .when(progress('a', 900))
        .then([{ type: 'WorkProgressReported', v: 1, progress: 40, leaseUntil: 1_900, at: 900 }]));

    it('rejects progress from an agent that does not hold the item', () =>
      work
        .given([offered(), claimed('a', 1, 100)])
        .when(progress('b', 200))
        .thenThrows(NotTheHolder, /held by another agent/));

    it('rejects progress on an item nobody holds', () =>
      work
        .given([offered()])
        .when(progress('a', 200))
        .thenThrows(NotTheHolder, /is offered/));
  });

  describe('CompleteWork', () => {
    it('the holder completes the item', () =>
      work
        .given([offered(), claimed('a', 1, 100)])
        .when(complete('a', 200))
        .then([completed('a', 200)]));

    it('keeps the result and the summary', () =>
      work
        .given([offered(), claimed('a', 1, 100)])
        .when({ type: 'CompleteWork', holder: 'a', result: { ok: true }, summary: 'fixed', now: 200 })
        .then([{ type: 'WorkCompleted', v: 1, holder: 'a', result: { ok: true }, summary: 'fixed', at: 200 }]));

    it('completing again by the same holder changes nothing', () =>
      work
        .given([offered(), claimed('a', 1, 100), completed('a', 200)])
        .when(complete('a', 300))
        .then([]));

    it('rejects completion by another agent after completion', () =>
      work
        .given([offered(), claimed('a', 1, 100), completed('a', 200)])
        .when(complete('b', 300))
        .thenThrows(NotTheHolder, /is completed/));

    it('rejects completion by an agent that does not hold the item', () =>
      work
        .given([offered(), claimed('a', 1, 100)])
        .when(complete('b', 200))
        .thenThrows(NotTheHolder));

    it('rejects completion by a former holder whose lease expired and was claimed again', () =>
      work
        .given([offered(), claimed('a', 1, 100), leaseExpired('a', 1, 2_000), claimed('b', 2, 2_000)])
        .when(complete('a', 2_100))
        .thenThrows(NotTheHolder, /held by another agent/));

    it('rejects completion of an item nobody holds', () =>
      work.given([offered()]).when(complete('a', 200)).thenThrows(NotTheHolder));

    it('rejects completion of a dead-lettered item', () =>
      work
        .given(exhausted)
        .when(complete('a', 2_600))
        .thenThrows(NotTheHolder, /dead-lettered/));
  });

  describe('FailWork', () => {
    it('a retryable failure gives the item back', () =>
      work
        .given([offered(), claimed('a', 1, 100)])
        .when(fail('a', 200))
        .then([failed('a', 1, 200)]));

    it('a retryable failure on the last attempt dead-letters with "max-attempts"', () =>
      work
        .given([offered(2), claimed('a', 1, 100), failed('a', 1, 200), claimed('b', 2, 300)])
        .when(fail('b', 400))
        .then([failed('b', 2, 400), deadLettered('max-attempts', 400)]));

    it('a non-retryable failure dead-letters with "non-retryable" at once', () =>
      work
        .given([offered(), claimed('a', 1, 100)])
        .when(fail('a', 200, false))
        .then([failed('a', 1, 200, false), deadLettered('non-retryable', 200)]));

    it('rejects a failure reported by an agent that does not hold the item', () =>
      work
        .given([offered(), claimed('a', 1, 100)])
        .when(fail('b', 200))
        .thenThrows(NotTheHolder));

    it('rejects a failure of an item nobody holds', () =>
      work.given([offered()]).when(fail('a', 200)).thenThrows(NotTheHolder));

    it('rejects a failure after completion', () =>
      work
        .given([offered(), claimed('a', 1, 100), completed('a', 200)])
        .when(fail('a', 300))
        .thenThrows(NotTheHolder));
  });

  describe('ExpireLease', () => {
    it('does nothing before the lease expires', () =>
      work
        .given([offered(), claimed('a', 1, 100)])
        .when(expireLease(1_099))
        .then([]));

    it('records an expired lease, which makes the item available again', () =>
      work
        .given([offered(), claimed('a', 1, 100)])
        .when(expireLease(1_100))
        .then([leaseExpired('a', 1, 1_100)]));

    it('dead-letters with "max-attempts" when the lease of the last attempt expired', () =>
      work
        .given([offered(1), claimed('a', 1, 100)])
        .when(expireLease(3_000))
        .then([leaseExpired('a', 1, 3_000), deadLettered('max-attempts', 3_000)]));

    it('does nothing for an item nobody holds', () => work.given([offered()]).when(expireLease(9_000)).then([]));

    it('does nothing for a completed item', () =>
      work
        .given([offered(), claimed('a', 1, 100), completed('a', 200)])
        .when(expireLease(9_000))
        .then([]));
  });

  describe('RetryDeadLetter', () => {
    it('without a reset puts the item back with exactly one more attempt', () =>
      work
        .given(exhausted)
        .when(retry(3_000))
        .then([{ type: 'WorkRetried', v: 1, resetAttempts: false, maxAttempts: 4, at: 3_000 }]));

    it('with a reset puts the item back with all its attempts', () =>
      work
        .given(exhausted)
        .when(retry(3_000, true))
        .then([{ type: 'WorkRetried', v: 1, resetAttempts: true, maxAttempts: 3, at: 3_000 }]));

    it('rejects a dead letter whose time in the queue ran out', () =>
      work
        .given(exhausted)
        .when(retry(2_500 + TTL))
        .thenThrows(NotFound, /expired from the dead-letter queue/));

    it('rejects an item that is not dead-lettered', () =>
      work
        .given([offered()])
        .when(retry(100))
        .thenThrows(NotDeadLettered, /is offered/));

    it('rejects a claimed item', () =>
      work
        .given([offered(), claimed('a', 1, 100)])
        .when(retry(200, true))
        .thenThrows(NotDeadLettered));

    it('rejects a completed item', () =>
      work
        .given([offered(), claimed('a', 1, 100), completed('a', 200)])
        .when(retry(300))
        .thenThrows(NotDeadLettered, /is completed/));

    it('rejects a discarded item', () =>
      work
        .given([...exhausted, discarded(2_600)])
        .when(retry(2_700))
        .thenThrows(NotDeadLettered, /is discarded/));
  });

  describe('DiscardDeadLetter', () => {
    it('discards a dead letter', () =>
      work
        .given(exhausted)
        .when(discard(3_000))
        .then([discarded(3_000)]));

    it('rejects a dead letter whose time in the queue ran out', () =>
      work.given(exhausted).when(discard(9_000)).thenThrows(NotFound));

    it('rejects an item that is not dead-lettered', () =>
      work
        .given([offered(), claimed('a', 1, 100)])
        .when(discard(200))
        .thenThrows(NotDeadLettered, /is claimed/));

    it('rejects discarding twice', () =>
      work
        .given([...exhausted, discarded(2_600)])
        .when(discard(2_700))
        .thenThrows(NotDeadLettered));
  });

  describe('an absent item', () => {
    const rejected: Array<[string, WorkItemCommand]> = [
      ['ClaimWork', claim('a', 1)],
      ['ReportProgress', progress('a', 1)],
      ['CompleteWork', complete('a', 1)],
      ['FailWork', fail('a', 1)],
      ['RetryDeadLetter', retry(1)],
      ['DiscardDeadLetter', discard(1)],
    ];
    it.each(rejected)('rejects %s as not found', (_name, command) =>
      work
        .given([])
        .when(command)
        .thenThrows(NotFound, /not found/),
    );

    it('has no lease to expire', () => work.given([]).when(expireLease(1)).then([]));
  });
});

describe("a WorkItem's own policy (ADR 0035)", () => {
  // The commands below carry the deciding side's settings (LEASE, TTL); the item's own policy differs.
  const own: WorkPolicy = { leaseMs: 60_000, maxAttempts: 1, dlqTtlMs: 9_000 };

  it("a claim leases the item for its own lease, not the deciding side's", () =>
    work
      .given([offeredWith(own)])
      .when(claim('a', 100))
      .then([{ type: 'WorkClaimed', v: 1, holder: 'a', attempt: 1, leaseUntil: 60_100, at: 100 }]));

  it("progress extends the lease by the item's own lease", () =>
    work
      .given([offeredWith(own), claimed('a', 1, 100)])
      .when(progress('a', 500))
      .then([{ type: 'WorkProgressReported', v: 1, progress: 40, leaseUntil: 60_500, at: 500 }]));

  it("one attempt allowed: the first retryable failure dead-letters, kept for the item's own TTL", () =>
    work
      .given([offeredWith(own), claimed('a', 1, 100)])
      .when(fail('a', 200))
      .then([
        failed('a', 1, 200),
        { type: 'WorkDeadLettered', v: 1, reason: 'max-attempts', expiresAt: 9_200, at: 200 },
      ]));

  it("an expired last lease dead-letters with the item's own TTL", () =>
    work
      .given([offeredWith(own), claimed('a', 1, 100)])
      .when(expireLease(70_000))
      .then([
        leaseExpired('a', 1, 70_000),
        { type: 'WorkDeadLettered', v: 1, reason: 'max-attempts', expiresAt: 79_000, at: 70_000 },
      ]));

  it("a non-retryable failure dead-letters with the item's own TTL", () =>
    work
      .given([offeredWith({ ...own, maxAttempts: 5 }), claimed('a', 1, 100)])
      .when(fail('a', 200, false))
      .then([
        failed('a', 1, 200, false),
        { type: 'WorkDeadLettered', v: 1, reason: 'non-retryable', expiresAt: 9_200, at: 200 },
      ]));

  it('a dead letter retried keeps the policy it was offered with', () =>
    work
      .given([
        offeredWith(own),
        claimed('a', 1, 100),
        failed('a', 1, 200),
        { type: 'WorkDeadLettered', v: 1, reason: 'max-attempts', expiresAt: 9_200, at: 200 },
        { type: 'WorkRetried', v: 1, resetAttempts: true, maxAttempts: 1, at: 300 },
      ])
      .when(claim('b', 400))
      .then([{ type: 'WorkClaimed', v: 1, holder: 'b', attempt: 1, leaseUntil: 60_400, at: 400 }]));

  it("an item offered before policies travelled (v1) takes the deciding side's lease and TTL", () =>
    work
      .given([offered(1), claimed('a', 1, 100)])
      .when(fail('a', 200))
      .then([failed('a', 1, 200), deadLettered('max-attempts', 200)]));

  it('the state holds the policy of a v2 offer, and none of a v1 offer', () => {
    expect(fold(workItemDecider, [offeredWith(own)])).toEqual({
      status: 'offered',
      spec: workSpec,
      offeredAt: 0,
      attempts: 0,
      maxAttempts: 1,
      leaseMs: 60_000,
      dlqTtlMs: 9_000,
      history: [],
    });
    const old = fold(workItemDecider, [offered(2)]);
    expect(old).not.toHaveProperty('leaseMs');
    expect(old).not.toHaveProperty('dlqTtlMs');
  });
});

describe('checkWorkPolicy', () => {
  const hub: WorkPolicy = { leaseMs: 300_000, maxAttempts: 3, dlqTtlMs: 604_800_000 };

  it("takes what the offering session asked for, and the deciding side's value for what it did not send", () => {
    expect(checkWorkPolicy({ maxAttempts: 1 }, hub)).toEqual({ ...hub, maxAttempts: 1 });
    expect(checkWorkPolicy({ leaseMs: 1_000, maxAttempts: 7, dlqTtlMs: 2_000 }, hub)).toEqual({
      leaseMs: 1_000,
      maxAttempts: 7,
      dlqTtlMs: 2_000,
    });
    expect(checkWorkPolicy(undefined, hub)).toEqual(hub);
  });

  it.each([
    [{ leaseMs: 99 }, /policy\.leaseMs: must be a whole number from 100 to 86400000 \(WORKQUEUE_ACK_TIMEOUT\)/],
    [{ maxAttempts: 0 }, /policy\.maxAttempts: .*from 1 to 100 \(WORKQUEUE_MAX_ATTEMPTS\)/],
    [{ maxAttempts: 101 }, /policy\.maxAttempts/],
    [{ maxAttempts: 1.5 }, /policy\.maxAttempts/],
    [{ dlqTtlMs: 366 * 86_400_000 }, /policy\.dlqTtlMs: .*\(WORKQUEUE_DLQ_TTL\)/],
    [{ leaseMs: '5000' as unknown as number }, /policy\.leaseMs/],
  ])('refuses %j, naming the field and its setting', (asked, message) => {
    expect(() => checkWorkPolicy(asked, hub)).toThrow(ValidationError);
    expect(() => checkWorkPolicy(asked, hub)).toThrow(message);
  });
});

describe('WorkItem evolve', () => {
  const state = (events: WorkItemEvent[]) => fold(workItemDecider, events);

  it('an offered item has no attempts and no history', () => {
    expect(state([offered()])).toEqual({
      status: 'offered',
      spec: workSpec,
      offeredAt: 0,
      attempts: 0,
      maxAttempts: 3,
      history: [],
    });
  });

  it('a claimed item has a holder, a lease and the attempt number', () => {
    expect(state([offered(), claimed('a', 1, 100)])).toMatchObject({
      status: 'claimed',
      holder: 'a',
      leaseUntil: 1_100,
      attempts: 1,
    });
  });

  it('progress is recorded and extends the lease; a new claim starts without it', () => {
    const reported: WorkItemEvent = { type: 'WorkProgressReported', v: 1, progress: 40, leaseUntil: 1_900, at: 900 };
    expect(state([offered(), claimed('a', 1, 100), reported])).toMatchObject({
      status: 'claimed',
      progress: 40,
      leaseUntil: 1_900,
    });
    expect(
      state([offered(), claimed('a', 1, 100), reported, leaseExpired('a', 1, 2_000), claimed('b', 2, 2_000)]),
    ).not.toHaveProperty('progress');
  });

  it('an expired lease records "lease expired" and makes the item offered without a holder', () => {
    const s = state([offered(), claimed('a', 1, 100), leaseExpired('a', 1, 2_000)]);
    expect(s).toMatchObject({
      status: 'offered',
      attempts: 1,
      history: [{ attempt: 1, holder: 'a', reason: 'lease expired', at: 2_000 }],
    });
    expect(s).not.toHaveProperty('holder');
  });

  it('a failure records its error and makes the item offered', () => {
    expect(state([offered(), claimed('a', 1, 100), failed('a', 1, 200, true, 'disk full')])).toMatchObject({
      status: 'offered',
      attempts: 1,
      history: [{ attempt: 1, holder: 'a', reason: 'failed: disk full', at: 200 }],
    });
  });

  it('a dead letter keeps the reason of every attempt', () => {
    const s = state([
      offered(),
      claimed('a', 1, 100),
      leaseExpired('a', 1, 1_500),
      claimed('b', 2, 1_500),
      failed('b', 2, 1_600),
      claimed('a', 3, 1_700),
      failed('a', 3, 1_800, false, 'bad input'),
      deadLettered('non-retryable', 1_800),
    ]);
    expect(s).toMatchObject({
      status: 'dead-lettered',
      reason: 'non-retryable',
      deadLetteredAt: 1_800,
      expiresAt: 1_800 + TTL,
      attempts: 3,
    });
    expect(s.status !== 'absent' && s.history.map((h) => `${h.attempt}:${h.holder}:${h.reason}`)).toEqual([
      '1:a:lease expired',
      '2:b:failed: boom',
      '3:a:failed: bad input',
    ]);
  });

  it('a retry with a reset starts the attempts again but keeps the history', () => {
    const s = state([...exhausted, { type: 'WorkRetried', v: 1, resetAttempts: true, maxAttempts: 3, at: 3_000 }]);
    expect(s).toMatchObject({ status: 'offered', attempts: 0, maxAttempts: 3 });
    expect(s.status !== 'absent' && s.history).toHaveLength(3);
  });

  it('a retry without a reset keeps the attempts and raises the limit', () => {
    expect(
      state([...exhausted, { type: 'WorkRetried', v: 1, resetAttempts: false, maxAttempts: 4, at: 3_000 }]),
    ).toMatchObject({
      status: 'offered',
      attempts: 3,
      maxAttempts: 4,
    });
  });

  it('a completed item records who completed it, when, and the result', () => {
    const s = state([
      offered(),
      claimed('a', 1, 100),
      { type: 'WorkCompleted', v: 1, holder: 'a', result: [1], summary: 'done', at: 200 },
    ]);
    expect(s).toMatchObject({
      status: 'completed',
      completedBy: 'a',
      completedAt: 200,
      result: [1],
      summary: 'done',
      attempts: 1,
    });
    expect(s).not.toHaveProperty('holder');
  });

  it('a discarded item records when', () => {
    expect(state([...exhausted, discarded(3_000)])).toMatchObject({ status: 'discarded', discardedAt: 3_000 });
  });

  it('ignores progress on an item nobody holds', () => {
    expect(state([offered(), { type: 'WorkProgressReported', v: 1, progress: 1, leaseUntil: 9, at: 1 }])).toEqual(
      state([offered()]),
    );
  });

  it('ignores every event but WorkOffered on an absent item', () => {
    expect(state([claimed('a', 1, 100), completed('a', 200), discarded(300)])).toEqual({ status: 'absent' });
  });
});
