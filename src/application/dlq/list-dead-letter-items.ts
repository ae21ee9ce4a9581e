import { checkCapability, checkInRange, deadLetterExpired, PAGE } from '../../domain/index.js';
import type { AppDeps } from '../shared/deps.js';
import { sweepExpiredLeases } from '../work/sweep-leases.js';
import { workView, type WorkItemView } from '../work/work-view.js';

export async function listDeadLetterItems(
  deps: AppDeps,
  input: { capability?: string; limit?: number },
): Promise<{ items: WorkItemView[]; total: number }> {
  const capability = input.capability !== undefined ? checkCapability('capability', input.capability) : undefined;
  const limit = checkInRange('limit', input.limit, PAGE.deadLetters);
  // Reads its caller's own acknowledged changes: waits for those still settling into the index.
  await deps.work.settled();
  await sweepExpiredLeases(deps, capability);
  const now = deps.clock.now();
  const items = deps.work
    .live(
      (s) =>
        s.status === 'dead-lettered' &&
        !deadLetterExpired(s, now) &&
        (capability === undefined || s.spec.capability === capability),
    )
    .map((e) => e.state)
    .sort((a, b) =>
      a.status === 'dead-lettered' && b.status === 'dead-lettered' ? b.deadLetteredAt - a.deadLetteredAt : 0,
    );
  return { items: items.slice(0, limit).map(workView), total: items.length };
}
