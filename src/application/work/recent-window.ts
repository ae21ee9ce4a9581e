import type { FinishedWorkItem } from '../../domain/index.js';
import type { Entry } from '../shared/projection.js';

/** How many compacted items of one capability the window holds, by how they finished. */
export interface FinishedCounts {
  completed: number;
  deadLettered: number;
  discarded: number;
}

const KEYS = { completed: 'completed', 'dead-lettered': 'deadLettered', discarded: 'discarded' } as const;

/**
 * The most recently compacted work items, oldest first, at most `limit` of them, with counts per
 * capability kept as items come and go: a listing's queue depth then costs the live items, not the window.
 */
export class RecentWindow {
  private readonly entries = new Map<string, Entry<FinishedWorkItem>>();
  private readonly counts = new Map<string, FinishedCounts>();

  constructor(private readonly limit: number) {}

  get(id: string): Entry<FinishedWorkItem> | undefined {
    return this.entries.get(id);
  }

  values(): IterableIterator<Entry<FinishedWorkItem>> {
    return this.entries.values();
  }

  saved(): Array<{ id: string; revision: number; state: FinishedWorkItem }> {
    return [...this.entries].map(([id, { state, revision }]) => ({ id, revision, state }));
  }

  /** Adds `id` as the newest, dropping the oldest beyond the limit. */
  add(id: string, entry: Entry<FinishedWorkItem>): void {
    this.delete(id);
    this.entries.set(id, entry);
    this.count(entry.state, 1);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.limit) break;
      this.delete(oldest);
    }
  }

  delete(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.count(entry.state, -1);
  }

  /** The window's items by capability (one capability's, when given). */
  finishedCounts(capability?: string): ReadonlyMap<string, Readonly<FinishedCounts>> {
    if (capability === undefined) return this.counts;
    const counts = this.counts.get(capability);
    return counts ? new Map([[capability, counts]]) : new Map();
  }

  private count(state: FinishedWorkItem, by: 1 | -1): void {
    const capability = state.spec.capability;
    let counts = this.counts.get(capability);
    if (!counts) this.counts.set(capability, (counts = { completed: 0, deadLettered: 0, discarded: 0 }));
    counts[KEYS[state.status]] += by;
    if (counts.completed === 0 && counts.deadLettered === 0 && counts.discarded === 0) this.counts.delete(capability);
  }
}
