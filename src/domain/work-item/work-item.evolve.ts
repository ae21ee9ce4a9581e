import { withRequestId } from './work-item.repeats.js';
import type { WorkItemEvent, WorkItemState } from './work-item.types.js';

type Live = Exclude<WorkItemState, { status: 'absent' }>;

/** Keeps the fields every live state shares, dropping the status-specific ones. */
const common = (s: Live) => ({
  spec: s.spec,
  offeredAt: s.offeredAt,
  attempts: s.attempts,
  maxAttempts: s.maxAttempts,
  ...(s.leaseMs !== undefined ? { leaseMs: s.leaseMs } : {}),
  ...(s.dlqTtlMs !== undefined ? { dlqTtlMs: s.dlqTtlMs } : {}),
  history: s.history,
});

export function evolveWorkItem(state: WorkItemState, event: WorkItemEvent): WorkItemState {
  if (event.type === 'WorkOffered') {
    const offered = { status: 'offered', spec: event.spec, offeredAt: event.at, attempts: 0, history: [] } as const;
    // An offer stored before policies travelled has only its attempts: the deciding side's settings do the rest.
    if (event.v === 1) return { ...offered, maxAttempts: event.maxAttempts };
    const { leaseMs, maxAttempts, dlqTtlMs } = event.policy;
    return { ...offered, maxAttempts, leaseMs, dlqTtlMs };
  }
  if (event.type === 'WorkItemCompacted') return event.state;
  if (state.status === 'absent') return state;
  switch (event.type) {
    case 'WorkClaimed':
      return {
        ...common(state),
        status: 'claimed',
        attempts: event.attempt,
        holder: event.holder,
        leaseUntil: event.leaseUntil,
        ...withRequestId(event.requestId),
      };
    case 'WorkProgressReported':
      return state.status === 'claimed' ? { ...state, progress: event.progress, leaseUntil: event.leaseUntil } : state;
    case 'WorkCompleted':
      return {
        ...common(state),
        status: 'completed',
        completedBy: event.holder,
        completedAt: event.at,
        ...(event.result !== undefined ? { result: event.result } : {}),
        ...(event.summary !== undefined ? { summary: event.summary } : {}),
        ...withRequestId(event.requestId),
      };
    case 'WorkFailed':
      return {
        ...common(state),
        status: 'offered',
        history: [
          ...state.history,
          {
            attempt: event.attempt,
            holder: event.holder,
            reason: `failed: ${event.error}`,
            at: event.at,
            ...withRequestId(event.requestId),
          },
        ],
      };
    case 'WorkLeaseExpired':
      return {
        ...common(state),
        status: 'offered',
        history: [
          ...state.history,
          { attempt: event.attempt, holder: event.holder, reason: 'lease expired', at: event.at },
        ],
      };
    case 'WorkDeadLettered':
      return {
        ...common(state),
        status: 'dead-lettered',
        reason: event.reason,
        deadLetteredAt: event.at,
        expiresAt: event.expiresAt,
      };
    case 'WorkRetried':
      return {
        ...common(state),
        status: 'offered',
        attempts: event.resetAttempts ? 0 : state.attempts,
        maxAttempts: event.maxAttempts,
      };
    case 'WorkDiscarded':
      return { ...common(state), status: 'discarded', discardedAt: event.at };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
