import { Conflict, NotFound, UnknownCommand } from '../shared/domain-error.js';
import type { DeadLetterReason, WorkSpec, WorkItemCommand, WorkItemEvent, WorkItemState } from './work-item.types.js';
import { WorkItemAlreadyClaimed, WorkItemNotClaimable, NotTheHolder, NotDeadLettered } from './work-item.errors.js';
import { deadLetterExpired, isClaimable, isFinished, leaseExpired } from './work-item.rules.js';
import { dlqTtlMsOf, leaseMsOf } from './work-item.policy.js';
import { claimedUnder, failedUnder, withRequestId } from './work-item.repeats.js';

export const initialWorkItemState = (): WorkItemState => ({ status: 'absent' });

type Cmd<T extends WorkItemCommand['type']> = Extract<WorkItemCommand, { type: T }>;
type Live = Exclude<WorkItemState, { status: 'absent' }>;
type Claimed = Extract<WorkItemState, { status: 'claimed' }>;

const deadLetter = (reason: DeadLetterReason, now: number, ttl: number): WorkItemEvent => ({
  type: 'WorkDeadLettered',
  v: 1,
  reason,
  expiresAt: now + ttl,
  at: now,
});

const pastDeadline = (state: Live, now: number): boolean =>
  state.spec.deadline !== undefined && now > state.spec.deadline;

function existing(state: WorkItemState): Live {
  if (state.status === 'absent')
    throw new NotFound('Work item not found; check the id returned by broadcast_work_offer or list_work.');
  return state;
}

const sameSpec = (a: WorkSpec, b: WorkSpec): boolean =>
  a.taskId === b.taskId &&
  a.description === b.description &&
  a.capability === b.capability &&
  a.priority === b.priority &&
  a.deadline === b.deadline;

function offer(cmd: Cmd<'OfferWork'>, state: WorkItemState): WorkItemEvent[] {
  if (state.status !== 'absent') {
    // A retried offer of the same task is stored once.
    if (sameSpec(state.spec, cmd.spec)) return [];
    throw new Conflict(
      `Task ${cmd.spec.taskId} was already offered as work item ${cmd.spec.id} with different details; use a new taskId.`,
    );
  }
  return [{ type: 'WorkOffered', v: 2, spec: cmd.spec, policy: cmd.policy, at: cmd.now }];
}

/** What an expired lease turns into: the item is offered again, or dead-lettered when out of attempts. */
function expire(state: Claimed, now: number, ttl: number): WorkItemEvent[] {
  const expired: WorkItemEvent = {
    type: 'WorkLeaseExpired',
    v: 1,
    holder: state.holder,
    attempt: state.attempts,
    at: now,
  };
  return state.attempts >= state.maxAttempts ? [expired, deadLetter('max-attempts', now, ttl)] : [expired];
}

function claim(cmd: Cmd<'ClaimWork'>, current: WorkItemState): WorkItemEvent[] {
  // A claim asked again (its answer lost) gets the item its first took, not a second one.
  if (claimedUnder(current, cmd.holder, cmd.requestId)) return [];
  const state = existing(current);
  if (!isClaimable(state, cmd.now)) {
    if (state.status === 'claimed') throw new WorkItemAlreadyClaimed(state.spec.id, state.holder);
    throw new WorkItemNotClaimable(state.spec.id, state.status);
  }
  const ttl = dlqTtlMsOf(state, cmd.dlqTtlMs);
  const events: WorkItemEvent[] = [];
  if (state.status === 'claimed') {
    events.push(...expire(state, cmd.now, ttl));
    if (events.length > 1) return events;
  } else if (state.attempts >= state.maxAttempts) {
    return [deadLetter('max-attempts', cmd.now, ttl)];
  }
  if (pastDeadline(state, cmd.now)) return [...events, deadLetter('deadline', cmd.now, ttl)];
  const attempt = state.attempts + 1;
  const leaseUntil = cmd.now + leaseMsOf(state, cmd.leaseMs);
  return [
    ...events,
    {
      type: 'WorkClaimed',
      v: 1,
      holder: cmd.holder,
      attempt,
      leaseUntil,
      at: cmd.now,
      ...withRequestId(cmd.requestId),
    },
  ];
}

function heldBy(state: WorkItemState, holder: string): Claimed {
  const live = existing(state);
  if (live.status !== 'claimed' || live.holder !== holder) throw new NotTheHolder(live.spec.id, holder, live.status);
  return live;
}

function progress(cmd: Cmd<'ReportProgress'>, state: WorkItemState): WorkItemEvent[] {
  const held = heldBy(state, cmd.holder);
  return [
    {
      type: 'WorkProgressReported',
      v: 1,
      progress: cmd.progress,
      ...(cmd.message !== undefined ? { message: cmd.message } : {}),
      leaseUntil: cmd.now + leaseMsOf(held, cmd.leaseMs),
      at: cmd.now,
    },
  ];
}

function complete(cmd: Cmd<'CompleteWork'>, state: WorkItemState): WorkItemEvent[] {
  // Completion is idempotent for the agent that completed it: a retried call changes nothing.
  if (state.status === 'completed' && state.completedBy === cmd.holder) return [];
  heldBy(state, cmd.holder);
  return [
    {
      type: 'WorkCompleted',
      v: 1,
      holder: cmd.holder,
      ...(cmd.result !== undefined ? { result: cmd.result } : {}),
      ...(cmd.summary !== undefined ? { summary: cmd.summary } : {}),
      at: cmd.now,
      ...withRequestId(cmd.requestId),
    },
  ];
}

function fail(cmd: Cmd<'FailWork'>, state: WorkItemState): WorkItemEvent[] {
  // A failure asked again is the one already recorded, whatever became of the item since.
  if (failedUnder(state, cmd.holder, cmd.requestId)) return [];
  const held = heldBy(state, cmd.holder);
  const failed: WorkItemEvent = {
    type: 'WorkFailed',
    v: 1,
    holder: cmd.holder,
    attempt: held.attempts,
    error: cmd.error,
    retryable: cmd.retryable,
    at: cmd.now,
    ...withRequestId(cmd.requestId),
  };
  const ttl = dlqTtlMsOf(held, cmd.dlqTtlMs);
  if (!cmd.retryable) return [failed, deadLetter('non-retryable', cmd.now, ttl)];
  if (held.attempts >= held.maxAttempts) return [failed, deadLetter('max-attempts', cmd.now, ttl)];
  return [failed];
}

function expireLease(cmd: Cmd<'ExpireLease'>, state: WorkItemState): WorkItemEvent[] {
  if (state.status !== 'claimed' || !leaseExpired(state, cmd.now)) return [];
  return expire(state, cmd.now, dlqTtlMsOf(state, cmd.dlqTtlMs));
}

function deadLettered(current: WorkItemState, now: number): Extract<WorkItemState, { status: 'dead-lettered' }> {
  const state = existing(current);
  if (state.status !== 'dead-lettered') throw new NotDeadLettered(state.spec.id, state.status);
  if (deadLetterExpired(state, now))
    throw new NotFound(`Work item ${state.spec.id} expired from the dead-letter queue (WORKQUEUE_DLQ_TTL).`);
  return state;
}

function retry(cmd: Cmd<'RetryDeadLetter'>, current: WorkItemState): WorkItemEvent[] {
  const state = deadLettered(current, cmd.now);
  // Without a reset the item gets exactly one more attempt.
  const maxAttempts = cmd.resetAttempts ? state.maxAttempts : state.attempts + 1;
  return [{ type: 'WorkRetried', v: 1, resetAttempts: cmd.resetAttempts, maxAttempts, at: cmd.now }];
}

function discard(cmd: Cmd<'DiscardDeadLetter'>, current: WorkItemState): WorkItemEvent[] {
  deadLettered(current, cmd.now);
  return [{ type: 'WorkDiscarded', v: 1, at: cmd.now }];
}

/** A finished item's history becomes one snapshot; anything else is left alone. */
function compact(cmd: Cmd<'CompactWork'>, state: WorkItemState): WorkItemEvent[] {
  return isFinished(state, cmd.now) ? [{ type: 'WorkItemCompacted', v: 1, state, at: cmd.now }] : [];
}

/**
 * The work item state machine: offered → claimed (lease, attempt n) → completed,
 * or failed / lease expired → offered again or dead-lettered → retried or discarded.
 * Leases, attempts and dead-letter times are the item's own policy, set by its offer.
 *
 * @example
 *   decideWorkItem({ type: 'ClaimWork', holder: 'a1', leaseMs: 1000, dlqTtlMs: 10, now: 5 }, offered)
 *   // → [{ type: 'WorkClaimed', holder: 'a1', attempt: 1, leaseUntil: 1005, ... }]
 */
export function decideWorkItem(command: WorkItemCommand, state: WorkItemState): WorkItemEvent[] {
  switch (command.type) {
    case 'OfferWork':
      return offer(command, state);
    case 'ClaimWork':
      return claim(command, state);
    case 'ReportProgress':
      return progress(command, state);
    case 'CompleteWork':
      return complete(command, state);
    case 'FailWork':
      return fail(command, state);
    case 'ExpireLease':
      return expireLease(command, state);
    case 'RetryDeadLetter':
      return retry(command, state);
    case 'DiscardDeadLetter':
      return discard(command, state);
    case 'CompactWork':
      return compact(command, state);
    default: {
      const unknown: never = command;
      throw new UnknownCommand(unknown);
    }
  }
}
