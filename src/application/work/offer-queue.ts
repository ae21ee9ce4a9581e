import { claimsBefore, type WorkItemState } from '../../domain/index.js';

export type OfferedItem = Extract<WorkItemState, { status: 'offered' }>;

export interface Filed {
  readonly id: string;
  readonly state: OfferedItem;
  /** When the index first saw the item: breaks ties in the claim order (offered in the same millisecond). */
  readonly seen: number;
}

type Open = Extract<WorkItemState, { status: 'offered' | 'claimed' }>;

/** The domain's claim order, then the order the index first saw the items in. */
export const filedBefore = (
  a: { readonly state: Open; readonly seen: number },
  b: { readonly state: Open; readonly seen: number },
): boolean => claimsBefore(a.state, b.state) || (!claimsBefore(b.state, a.state) && a.seen < b.seen);

/**
 * The offered items of one capability in the domain's claim order: a binary heap, so a claim
 * takes the best item in O(log n) however many are queued. An item is filed with the state it
 * had; once the index holds another state for it (claimed, finished, offered again) the filing is
 * stale and is dropped when met, so changes cost nothing here until then.
 */
export class OfferQueue {
  private heap: Filed[] = [];
  /** How many filings the last pruning kept. */
  private kept = 0;

  /** `current`: the state the index holds for an item now. */
  constructor(private readonly current: (id: string) => WorkItemState | undefined) {}

  file(id: string, state: OfferedItem, seen: number): void {
    this.push({ id, state, seen });
    // Stale filings are dropped once they could outnumber live ones: amortised O(1) a filing.
    if (this.heap.length > 2 * this.kept + 64) this.prune();
  }

  /** Removes and returns the best item that is still offered as filed; undefined when none is. */
  take(): Filed | undefined {
    while (this.heap.length > 0) {
      const top = this.heap[0]!;
      const last = this.heap.pop()!;
      if (this.heap.length > 0) {
        this.heap[0] = last;
        this.down(0);
      }
      if (this.current(top.id) === top.state) return top;
    }
    return undefined;
  }

  /** Puts back what `take` returned, if it is still offered as it was. */
  restore(filed: Filed): void {
    if (this.current(filed.id) === filed.state) this.push(filed);
  }

  /** Whether no filing is left (stale ones included). */
  get empty(): boolean {
    return this.heap.length === 0;
  }

  private prune(): void {
    const live = this.heap.filter((f) => this.current(f.id) === f.state);
    this.heap = [];
    for (const f of live) this.push(f);
    this.kept = live.length;
  }

  private push(filed: Filed): void {
    this.heap.push(filed);
    this.up(this.heap.length - 1);
  }

  private before(i: number, j: number): boolean {
    return filedBefore(this.heap[i]!, this.heap[j]!);
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let best = i;
      if (left < this.heap.length && this.before(left, best)) best = left;
      if (right < this.heap.length && this.before(right, best)) best = right;
      if (best === i) return;
      this.swap(i, best);
      i = best;
    }
  }

  private swap(i: number, j: number): void {
    [this.heap[i], this.heap[j]] = [this.heap[j]!, this.heap[i]!];
  }
}
