import {
  isClaimable,
  workItemDecider,
  type WorkItemCommand,
  type WorkItemEvent,
  type WorkItemState,
} from '../../domain/index.js';
import type { Quarantine } from '../../ports/index.js';
import { Projection, type Entry } from '../shared/projection.js';

export type LiveItem = Exclude<WorkItemState, { status: 'absent' }>;

/** The work items of this session's namespace, projected from WorkItem events. */
export class WorkIndex extends Projection<WorkItemCommand, WorkItemState, WorkItemEvent> {
  constructor(quarantine: Quarantine) {
    super(workItemDecider, quarantine);
  }

  items(filter: (item: LiveItem) => boolean = () => true): Array<Entry<LiveItem>> {
    const result: Array<Entry<LiveItem>> = [];
    for (const [, entry] of this.all()) {
      const state = entry.state;
      if (state.status !== 'absent' && filter(state)) result.push({ state, revision: entry.revision });
    }
    return result;
  }

  /** Items a claim may take now: offered, or claimed with an expired lease; highest priority first, then oldest. */
  claimable(capability: string, now: number): Array<Entry<LiveItem>> {
    return this.items((s) => s.spec.capability === capability && isClaimable(s, now)).sort(
      (a, b) => b.state.spec.priority - a.state.spec.priority || a.state.offeredAt - b.state.offeredAt,
    );
  }

  /** When the earliest current lease for `capability` runs out (so a waiting claim can wake then). */
  nextLeaseExpiry(capability: string): number | undefined {
    let next: number | undefined;
    for (const { state } of this.items((s) => s.spec.capability === capability && s.status === 'claimed')) {
      if (state.status === 'claimed' && (next === undefined || state.leaseUntil < next)) next = state.leaseUntil;
    }
    return next;
  }
}
