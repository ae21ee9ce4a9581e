import type { WorkItemState } from './work-item.types.js';

/**
 * Whether the item's state shows that `holder`'s call `requestId` already decided it: a session asks
 * again with the same id when no answer came (ADR 0037), and the request id travels in the events, so
 * any hub answers such a repeat with the first outcome rather than deciding it anew (ADR 0042). A
 * call without an id is never a repeat.
 */
type Repeat = (state: WorkItemState, holder: string, requestId: string | undefined) => boolean;

/**
 * The holder's claim under this id still holds the item.
 *
 * @example claimedUnder({ status: 'claimed', holder: 'a', requestId: 'r1', ... }, 'a', 'r1') // true
 */
export const claimedUnder: Repeat = (state, holder, requestId) =>
  requestId !== undefined && state.status === 'claimed' && state.holder === holder && state.requestId === requestId;

/**
 * The holder completed the item under this id.
 *
 * @example completedUnder({ status: 'completed', completedBy: 'a', requestId: 'r2', ... }, 'a', 'r2') // true
 */
export const completedUnder: Repeat = (state, holder, requestId) =>
  requestId !== undefined &&
  state.status === 'completed' &&
  state.completedBy === holder &&
  state.requestId === requestId;

/**
 * The holder failed the item under this id, whatever became of it since (offered again, claimed
 * by another, dead-lettered): its attempt history keeps the failure.
 *
 * @example failedUnder({ status: 'offered', history: [{ holder: 'a', requestId: 'r3', ... }], ... }, 'a', 'r3') // true
 */
export const failedUnder: Repeat = (state, holder, requestId) =>
  requestId !== undefined &&
  state.status !== 'absent' &&
  state.history.some((h) => h.holder === holder && h.requestId === requestId);

/** `{ requestId }` when there is one, to spread into an event or a state (an optional field stays absent, not undefined). */
export const withRequestId = (requestId: string | undefined): { readonly requestId?: string } =>
  requestId !== undefined ? { requestId } : {};
