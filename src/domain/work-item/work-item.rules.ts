import type { WorkItemState } from './work-item.types.js';

type Claimed = Extract<WorkItemState, { status: 'claimed' }>;
type DeadLettered = Extract<WorkItemState, { status: 'dead-lettered' }>;

/** A lease runs out at `leaseUntil` itself: from then on the item may be taken from its holder. */
export const leaseExpired = (state: Claimed, now: number): boolean => state.leaseUntil <= now;

/**
 * Whether a claim may take the item at `now`: it is offered, or its holder's lease has run out.
 * The decider enforces it; the work index uses it to pick candidates, so both agree.
 *
 * @example isClaimable({ status: 'claimed', leaseUntil: 10, ... }, 10) // true
 */
export const isClaimable = (state: WorkItemState, now: number): boolean =>
  state.status === 'offered' || (state.status === 'claimed' && leaseExpired(state, now));

/** A dead letter leaves the queue at `expiresAt` (WORKQUEUE_DLQ_TTL): from then on it can be neither listed, retried nor discarded. */
export const deadLetterExpired = (state: DeadLettered, now: number): boolean => now >= state.expiresAt;
