import { checkCapability, checkInRange, PAGE, ValidationError } from '../../domain/index.js';
import type { AppDeps } from '../shared/deps.js';
import { withinBudget } from '../shared/page-budget.js';
import { byteLength } from '../shared/require.js';
import { sweepExpiredLeases } from './sweep-leases.js';
import type { LiveItem } from './work-index.js';
import { workView, type WorkItemView } from './work-view.js';

const STATUSES = ['offered', 'claimed', 'completed', 'dead-lettered', 'discarded'] as const;
export type WorkStatus = (typeof STATUSES)[number];

export interface ListWorkInput {
  readonly capability?: string;
  readonly status?: WorkStatus;
  readonly limit?: number;
}

export interface ListWorkOutput {
  readonly depth: Readonly<
    Record<string, { offered: number; claimed: number; deadLettered: number; completed: number }>
  >;
  readonly items: WorkItemView[];
  readonly total: number;
}

/** Queue depth per capability and the matching items (newest first, within the page budget; `total` counts all), after recording expired leases. */
export async function listWork(deps: AppDeps, input: ListWorkInput): Promise<ListWorkOutput> {
  const capability = input.capability !== undefined ? checkCapability('capability', input.capability) : undefined;
  if (input.status !== undefined && !STATUSES.includes(input.status))
    throw new ValidationError('status', `must be one of ${STATUSES.join(', ')}`);
  const limit = checkInRange('limit', input.limit, PAGE.workItems);
  // Reads its caller's own acknowledged changes: waits for those still settling into the index.
  await deps.work.settled();
  await sweepExpiredLeases(deps, capability);
  const ofCapability = (s: LiveItem): boolean => capability === undefined || s.spec.capability === capability;
  const live = deps.work.live(ofCapability).map((e) => e.state);
  const depth: Record<string, { offered: number; claimed: number; deadLettered: number; completed: number }> = {};
  const depthOf = (c: string) => (depth[c] ??= { offered: 0, claimed: 0, deadLettered: 0, completed: 0 });
  for (const s of live) {
    const d = depthOf(s.spec.capability);
    if (s.status === 'offered') d.offered++;
    else if (s.status === 'claimed') d.claimed++;
    else if (s.status === 'dead-lettered') d.deadLettered++;
    else if (s.status === 'completed') d.completed++;
  }
  // The recently finished window is counted, not walked: only a listing of finished items reads it.
  for (const [c, finished] of deps.work.finishedCounts(capability)) {
    const d = depthOf(c);
    d.completed += finished.completed;
    d.deadLettered += finished.deadLettered;
  }
  const pool =
    input.status === 'offered' || input.status === 'claimed' ? live : deps.work.items(ofCapability).map((e) => e.state);
  const matching = pool
    .filter((s: LiveItem) => input.status === undefined || s.status === input.status)
    .sort((a, b) => b.offeredAt - a.offeredAt);
  const views = matching.slice(0, limit).map(workView);
  return { depth, items: [...withinBudget(views, (v) => byteLength(JSON.stringify(v)))], total: matching.length };
}
