import {
  CLAIM_TIMEOUT_MS,
  canTakeWork,
  checkCapability,
  checkInRange,
  claimedUnder,
  DomainError,
  NotAllowed,
  withRequestId,
  type WorkItemEvent,
} from '../../domain/index.js';
import type { AppDeps } from '../shared/deps.js';
import type { Entry } from '../shared/projection.js';
import { requireGuid } from '../shared/require.js';
import { runWorkCommand } from './work-command.js';
import type { LiveItem } from './work-index.js';
import { workView, type WorkItemView } from './work-view.js';

export interface ClaimWorkInput {
  readonly capability: string;
  readonly timeout?: number;
}

export type ClaimWorkOutput =
  { readonly claimed: true; readonly workItem: WorkItemView } | { readonly claimed: false; readonly reason: string };

async function requireCapability(deps: AppDeps, guid: string, capability: string): Promise<void> {
  const entry = await deps.registry.get(guid);
  if (!entry || !canTakeWork(entry.profile.capabilities, capability)) {
    throw new NotAllowed(
      `You are not registered with capability "${capability}"; add it with update_presence({ capabilities: [...] }) or register_agent.`,
    );
  }
}

const claimsIt = (events: readonly WorkItemEvent[]): boolean => events.some((e) => e.type === 'WorkClaimed');

/**
 * What a claim tries, in order: the item its call already claimed, when this is that call asked again
 * (ADR 0042: the request id is in the item's events, whichever hub stored them), then what is
 * claimable now.
 */
function* candidates(deps: AppDeps, guid: string, capability: string): Generator<Entry<LiveItem>> {
  const earlier = deps.requestId !== undefined ? deps.work.claimedUnder(guid, deps.requestId) : undefined;
  if (earlier) yield earlier;
  yield* deps.work.claimable(capability, deps.clock.now());
}

/** One pass over what is claimable now; losing a race for an item just moves on to the next. */
async function tryClaim(deps: AppDeps, guid: string, capability: string): Promise<WorkItemView | undefined> {
  const { clock, settings, requestId } = deps;
  for (const candidate of candidates(deps, guid, capability)) {
    try {
      const command = { holder: guid, leaseMs: settings.leaseMs, dlqTtlMs: settings.dlqTtlMs, now: clock.now() };
      const outcome = await runWorkCommand(
        deps,
        candidate.state.spec.id,
        { type: 'ClaimWork', ...command, ...withRequestId(requestId) },
        // Only a claim ends the request at once; an item dead-lettered instead is stored now, not
        // held until the claim has found another item or waited out its timeout.
        claimsIt,
      );
      // Claimed now, or by this call's first asking (an index behind the stream offers that item again).
      if (
        outcome.state.status === 'claimed' &&
        outcome.state.holder === guid &&
        (claimsIt(outcome.events) || claimedUnder(outcome.state, guid, requestId))
      ) {
        return workView(outcome.state);
      }
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  }
  return undefined;
}

/** Why a claim's listening for changes ends: it has looked. */
const LOOKED = 'looked';

/**
 * Hands the highest-priority claimable item to this agent with a lease, waiting up to
 * `timeout` ms for one to be offered or for a lease to expire.
 */
export async function claimWork(deps: AppDeps, input: ClaimWorkInput): Promise<ClaimWorkOutput> {
  const guid = requireGuid(deps.session, 'claim work');
  const capability = checkCapability('capability', input.capability);
  const timeout = checkInRange('timeout', input.timeout, CLAIM_TIMEOUT_MS, { unit: 'ms' });
  await requireCapability(deps, guid, capability);
  const { clock, work } = deps;
  const giveUpAt = clock.now() + timeout;
  for (;;) {
    const stop = new AbortController();
    // Listening before looking: a change that lands while the claim looks (it awaits) still wakes it.
    const changed = work.changed(stop.signal);
    try {
      const claimed = await work.exclusive(capability, () => tryClaim(deps, guid, capability));
      if (claimed) return { claimed: true, workItem: claimed };
      const now = clock.now();
      if (now >= giveUpAt || deps.released?.aborted)
        return { claimed: false, reason: `No "${capability}" work became available within ${timeout} ms.` };
      const wakeAt = Math.min(giveUpAt, work.nextLeaseExpiry(capability) ?? giveUpAt);
      const sleep = deps.released ? AbortSignal.any([stop.signal, deps.released]) : stop.signal;
      await Promise.race([changed, clock.sleep(Math.max(1, wakeAt - now), sleep)]);
    } finally {
      // With a reason of its own: a default one is a DOMException, built for every claim.
      stop.abort(LOOKED);
    }
  }
}
