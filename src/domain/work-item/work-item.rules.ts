import type { FinishedWorkItem, WorkItemState, WorkSpec } from './work-item.types.js';

type Claimed = Extract<WorkItemState, { status: 'claimed' }>;
type DeadLettered = Extract<WorkItemState, { status: 'dead-lettered' }>;

/** A lease runs out at `leaseUntil` itself: from then on the item may be taken from its holder. */
export const leaseExpired = (state: Claimed, now: number): boolean => state.leaseUntil <= now;

/**
 * How often a holder still at work renews its lease (reports progress, which extends it by a whole
 * lease): every third of the lease, so one renewal may be lost or late and the next still keeps it.
 *
 * @example renewLeaseEvery(300_000) // 100_000
 */
export const renewLeaseEvery = (leaseMs: number): number => Math.max(1, Math.floor(leaseMs / 3));

/**
 * Whether a claim may take the item at `now`: it is offered, or its holder's lease has run out.
 * The decider enforces it; the work index uses it to pick candidates, so both agree.
 *
 * @example isClaimable({ status: 'claimed', leaseUntil: 10, ... }, 10) // true
 */
export const isClaimable = (state: WorkItemState, now: number): boolean =>
  state.status === 'offered' || (state.status === 'claimed' && leaseExpired(state, now));

type Open = Extract<WorkItemState, { status: 'offered' | 'claimed' }>;

/**
 * The order claims take items in: higher priority first, then the one offered earlier.
 *
 * @example claimsBefore({ spec: { priority: 9 }, offeredAt: 5, ... }, { spec: { priority: 5 }, offeredAt: 1, ... }) // true
 */
export const claimsBefore = (a: Open, b: Open): boolean =>
  a.spec.priority !== b.spec.priority ? a.spec.priority > b.spec.priority : a.offeredAt < b.offeredAt;

/** A dead letter leaves the queue at `expiresAt` (WORKQUEUE_DLQ_TTL): from then on it can be neither listed, retried nor discarded. */
export const deadLetterExpired = (state: DeadLettered, now: number): boolean => now >= state.expiresAt;

/**
 * Whether the item is finished at `now`: completed, discarded, or a dead letter past its expiry.
 * Only a finished item is compacted (and, after the retention, purged).
 *
 * @example isFinished({ status: 'dead-lettered', expiresAt: 10, ... }, 10) // true
 */
export const isFinished = (state: WorkItemState, now: number): state is FinishedWorkItem =>
  state.status === 'completed' ||
  state.status === 'discarded' ||
  (state.status === 'dead-lettered' && deadLetterExpired(state, now));

/** When a finished item finished: its completion, its discard, or its dead letter's expiry. */
export function finishedAt(state: FinishedWorkItem): number {
  switch (state.status) {
    case 'completed':
      return state.completedAt;
    case 'discarded':
      return state.discardedAt;
    case 'dead-lettered':
      return state.expiresAt;
  }
}

/**
 * Whether an agent registered with `capabilities` may take work of `capability`: claim_work refuses
 * any other, and only such offers are announced to it.
 *
 * @example canTakeWork(['typescript', 'review'], 'review') // true
 */
export const canTakeWork = (capabilities: readonly string[], capability: string): boolean =>
  capabilities.includes(capability);

/** The agent an offer may be for: who it is and the capabilities it registered. */
export interface WorkTaker {
  readonly guid: string;
  readonly capabilities: readonly string[];
}

/**
 * Whether an offer is for this agent: it can take work of the offer's capability, and the offer is
 * not its own. Waits, digests and pushes announce only these; a claim may still take its own offer.
 *
 * @example qualifiesForOffer({ guid: 'a1', capabilities: ['review'] }, { capability: 'review', offeredBy: 'a2' }) // true
 */
export const qualifiesForOffer = (agent: WorkTaker, offer: Pick<WorkSpec, 'capability' | 'offeredBy'>): boolean =>
  offer.offeredBy !== agent.guid && canTakeWork(agent.capabilities, offer.capability);
