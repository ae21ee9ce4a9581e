import {
  claimedUnder,
  finishedAt,
  isClaimable,
  isFinished,
  leaseExpired,
  RECENT_FINISHED_WORK,
  workItemDecider,
  type FinishedWorkItem,
  type WorkItemCommand,
  type WorkItemEvent,
  type WorkItemState,
} from '../../domain/index.js';
import type { Checkpoint, KeptState, Quarantine, ScheduledPurge, StoredBatch } from '../../ports/index.js';
import { Projection, type Entry } from '../shared/projection.js';
import { filedBefore, OfferQueue, type Filed } from './offer-queue.js';
import { RecentWindow, type FinishedCounts } from './recent-window.js';

export type LiveItem = Exclude<WorkItemState, { status: 'absent' }>;

type ClaimedItem = Extract<WorkItemState, { status: 'claimed' }>;

export type WorkCheckpoint = Checkpoint['work'];

/** Where a claim made under a request id is found again: by its holder and that id. */
const requestKey = (holder: string, requestId: string): string => `${holder} ${requestId}`;

const isSnapshot = (batch: StoredBatch<WorkItemEvent>): boolean =>
  batch.events.length === 1 && batch.events[0]!.type === 'WorkItemCompacted';

/**
 * The work items of this session's namespace, projected from WorkItem events. Memory follows live
 * work, not history: once an item is compacted it moves to a window of the `recentLimit` most
 * recently compacted ones, and falls out of the index when newer ones push it out.
 */
export class WorkIndex extends Projection<WorkItemCommand, WorkItemState, WorkItemEvent> {
  private readonly recent: RecentWindow;
  /** Every compacted item not yet purged, with how and when it finished: bounded by the retention. */
  private readonly finished = new Map<string, ScheduledPurge>();
  /** Offered items by capability, in claim order: what a claim takes first. */
  private readonly offers = new Map<string, OfferQueue>();
  /** The order the index first saw each open item in, for ties in the claim order. */
  private readonly seen = new Map<string, number>();
  private seenCount = 0;
  /** Claimed items by capability: taken again once their lease runs out. */
  private readonly claims = new Map<string, Map<string, Entry<ClaimedItem>>>();
  /**
   * The items claimed under a request id, by holder and id: where a claim asked again finds the item
   * its first took (ADR 0042). Live claims only, so it is bounded by the claimed items.
   */
  private readonly requestClaims = new Map<string, string>();
  /** Items held whole that are finished or will be (a dead letter, once it expires): what compaction looks at. */
  private readonly finishing = new Set<string>();
  /** The revisions of every stored batch of an item held whole, for those seen from their offer on. */
  private readonly batches = new Map<string, number[]>();

  constructor(quarantine: Quarantine, recentLimit = RECENT_FINISHED_WORK) {
    super(workItemDecider, quarantine);
    this.recent = new RecentWindow(recentLimit);
  }

  override get(id: string): Entry<WorkItemState> | undefined {
    return this.entries.get(id) ?? this.recent.get(id);
  }

  override apply(batch: StoredBatch<WorkItemEvent>, resulting?: WorkItemState): void {
    const id = batch.stream.id;
    const current = this.get(id);
    // One the model reflects already (the writer's own, or one a writer's change rested on) is still
    // one of the item's batches. By revision only: its events may be decoded only when asked for.
    if (current && current.revision >= batch.revision) {
      const known = this.batches.get(id);
      if (known && !known.includes(batch.revision)) known.push(batch.revision);
    }
    super.apply(batch, resulting);
  }

  /** The revisions of every stored batch of the item, if the index saw them all (compaction then need not look them up). */
  batchesOf(id: string): readonly number[] | undefined {
    return this.batches.get(id);
  }

  protected override keep(id: string, entry: Entry<WorkItemState>, batch: StoredBatch<WorkItemEvent>): void {
    const known = this.batches.get(id);
    // A repair (no events) or a snapshot from elsewhere follows batches the index never saw.
    if (batch.events.length === 0 || batch.replaces) this.batches.delete(id);
    else if (known) known.push(batch.revision);
    else if (!this.entries.has(id) && batch.events[0]!.type === 'WorkOffered') this.batches.set(id, [batch.revision]);
    this.recent.delete(id);
    const { state, revision } = entry;
    // A snapshot only ever holds a finished item (any dead letter counts, hence no `now`).
    if (!isSnapshot(batch) || !isFinished(state, Number.POSITIVE_INFINITY)) {
      this.entries.set(id, entry);
      // After the entry: the offer queue checks a filing against what the index holds.
      this.track(id, entry);
      return;
    }
    this.track(id, entry);
    this.entries.delete(id);
    this.finishing.delete(id);
    this.batches.delete(id);
    this.seen.delete(id);
    this.finished.set(id, { id, status: state.status, finishedAt: finishedAt(state) });
    this.recent.add(id, { state, revision });
  }

  /** Live items, the recently finished window (oldest first) and the purge schedule, for a checkpoint. */
  saved(): WorkCheckpoint {
    const live: Array<KeptState<LiveItem>> = [];
    for (const [id, { state, revision }] of this.entries)
      if (state.status !== 'absent') live.push({ id, revision, state });
    return { live, recent: this.recent.saved(), purges: [...this.finished.values()] };
  }

  override restore(kept: ReadonlyArray<KeptState<WorkItemState>>): void {
    super.restore(kept);
    for (const { id, revision, state } of kept) this.track(id, { state, revision });
  }

  /** Files the item under its capability while a claim may take it (now, or once its lease runs out). */
  private track(id: string, entry: Entry<WorkItemState>): void {
    const { state } = entry;
    if (state.status === 'absent') return;
    const capability = state.spec.capability;
    if (isFinished(state, Number.POSITIVE_INFINITY)) this.finishing.add(id);
    else this.finishing.delete(id);
    // A dead letter may be offered again, and keeps its place among items offered in the same millisecond.
    if (state.status === 'completed' || state.status === 'discarded') this.seen.delete(id);
    else if (!this.seen.has(id)) this.seen.set(id, this.seenCount++);
    if (state.status === 'offered') {
      let queue = this.offers.get(capability);
      if (!queue) this.offers.set(capability, (queue = new OfferQueue((id) => this.entries.get(id)?.state)));
      queue.file(id, state, this.seen.get(id)!);
    }
    const claims = this.claims.get(capability);
    this.trackRequest(id, claims?.get(id)?.state, state);
    if (state.status === 'claimed') {
      if (claims) claims.set(id, { state, revision: entry.revision });
      else this.claims.set(capability, new Map([[id, { state, revision: entry.revision }]]));
    } else if (claims?.delete(id) && claims.size === 0) this.claims.delete(capability);
  }

  /** Moves the item's entry among the claims by request from the claim it was (if any) to the state it is in now. */
  private trackRequest(id: string, before: ClaimedItem | undefined, after: WorkItemState): void {
    if (before?.requestId !== undefined) {
      const key = requestKey(before.holder, before.requestId);
      if (this.requestClaims.get(key) === id) this.requestClaims.delete(key);
    }
    if (after.status === 'claimed' && after.requestId !== undefined)
      this.requestClaims.set(requestKey(after.holder, after.requestId), id);
  }

  /** The item `holder` claimed under `requestId`, while that claim holds it: what a claim asked again gets. */
  claimedUnder(holder: string, requestId: string): Entry<LiveItem> | undefined {
    const id = this.requestClaims.get(requestKey(holder, requestId));
    const entry = id === undefined ? undefined : this.entries.get(id);
    return entry && claimedUnder(entry.state, holder, requestId) ? (entry as Entry<LiveItem>) : undefined;
  }

  /** Puts back what `saved` returned, before any batch is applied. */
  restoreSaved(saved: WorkCheckpoint): void {
    this.restore(saved.live);
    for (const { id, revision, state } of saved.recent) this.recent.add(id, { state, revision });
    for (const purge of saved.purges) this.finished.set(purge.id, purge);
  }

  /** Drops an item (purged from the store) from the index. */
  forget(id: string): void {
    const entry = this.entries.get(id);
    if (entry && entry.state.status !== 'absent') {
      const claims = this.claims.get(entry.state.spec.capability);
      this.trackRequest(id, claims?.get(id)?.state, { status: 'absent' });
      claims?.delete(id);
    }
    this.seen.delete(id);
    this.finishing.delete(id);
    this.batches.delete(id);
    // A filed offer of it goes stale with the entry.
    this.entries.delete(id);
    this.recent.delete(id);
    this.finished.delete(id);
  }

  /** Compacted items that finished before `cutoff`: what the retention purges. */
  finishedBefore(cutoff: number): ScheduledPurge[] {
    return [...this.finished.values()].filter((f) => f.finishedAt < cutoff);
  }

  /** Every item the index holds, the recently finished window included. */
  items(filter: (item: LiveItem) => boolean = () => true): Array<Entry<LiveItem>> {
    return [...this.live(filter), ...this.collect(this.recent.values(), filter)];
  }

  /**
   * Items not compacted yet, without the finished window: every item offered, claimed or in the
   * dead-letter queue is here, so what looks only for those costs the live work, not the window.
   */
  live(filter: (item: LiveItem) => boolean = () => true): Array<Entry<LiveItem>> {
    return this.collect(this.entries.values(), filter);
  }

  /** The finished window's items by capability (one capability's, when given). */
  finishedCounts(capability?: string): ReadonlyMap<string, Readonly<FinishedCounts>> {
    return this.recent.finishedCounts(capability);
  }

  private collect(
    entries: Iterable<Entry<WorkItemState>>,
    filter: (item: LiveItem) => boolean,
  ): Array<Entry<LiveItem>> {
    const result: Array<Entry<LiveItem>> = [];
    for (const { state, revision } of entries)
      if (state.status !== 'absent' && filter(state)) result.push({ state, revision });
    return result;
  }

  /**
   * Items finished at `now` whose history is still kept whole: what compaction has to do. Costs the
   * items finished since the last compaction (and the dead letters), not every item held.
   */
  uncompacted(now: number): Array<Entry<FinishedWorkItem>> {
    const result: Array<Entry<FinishedWorkItem>> = [];
    for (const id of this.finishing) {
      const entry = this.entries.get(id);
      if (entry && isFinished(entry.state, now)) result.push({ state: entry.state, revision: entry.revision });
    }
    return result;
  }

  /** Claimed items whose lease ran out by `now` (of one capability, when given): what a lease sweep records. */
  expiredClaims(now: number, capability?: string): Array<Entry<ClaimedItem>> {
    const result: Array<Entry<ClaimedItem>> = [];
    const byCapability = capability === undefined ? this.claims.values() : [this.claims.get(capability) ?? new Map()];
    for (const claims of byCapability)
      for (const entry of claims.values()) if (leaseExpired(entry.state, now)) result.push(entry);
    return result;
  }

  private readonly claiming = new Map<string, Promise<unknown>>();

  /**
   * Runs `claim` after the claims for `capability` already running in this process: concurrent
   * claims would all pick the same best item and all but one lose the append, each then reading the
   * stream again — in a hub serving many agents that was most of its work.
   */
  exclusive<T>(capability: string, claim: () => Promise<T>): Promise<T> {
    const previous = this.claiming.get(capability) ?? Promise.resolve();
    const next = previous.then(claim, claim);
    const settled = next.catch(() => undefined);
    this.claiming.set(capability, settled);
    void settled.then(() => {
      if (this.claiming.get(capability) === settled) this.claiming.delete(capability);
    });
    return next;
  }

  /**
   * Items a claim may take now (offered, or claimed with an expired lease; none held), best first by the domain's
   * claim order. Lazy: a claim usually takes the first, so the rest are only ordered if it loses it.
   */
  *claimable(capability: string, now: number): Generator<Entry<LiveItem>> {
    const queue = this.offers.get(capability);
    const filed = (entry: Entry<ClaimedItem>) => ({
      state: entry.state,
      seen: this.seen.get(entry.state.spec.id) ?? 0,
    });
    const expired = [...(this.claims.get(capability)?.values() ?? [])]
      .filter(({ state }) => isClaimable(state, now) && !this.isHeld(state.spec.id))
      .sort((a, b) => (filedBefore(filed(a), filed(b)) ? -1 : filedBefore(filed(b), filed(a)) ? 1 : 0));
    // Everything taken from the queue goes back (if still offered) however the claim ends.
    const taken: Filed[] = [];
    const next = () => {
      const offered = queue?.take();
      if (offered) taken.push(offered);
      return offered;
    };
    try {
      let offered = next();
      while (offered || expired.length > 0) {
        if (offered && (expired.length === 0 || filedBefore(offered, filed(expired[0]!)))) {
          // Taken only while the index holds it as filed; what a claim then made of it is its business.
          // One with a claim in flight is passed by: that claim's outcome comes later (ADR 0026).
          if (!this.isHeld(offered.id)) yield this.entries.get(offered.id)! as Entry<LiveItem>;
          offered = next();
        } else yield expired.shift()!;
      }
    } finally {
      for (const item of taken) queue?.restore(item);
      if (queue?.empty) this.offers.delete(capability);
    }
  }

  /** When the earliest current lease for `capability` runs out (so a waiting claim can wake then). */
  nextLeaseExpiry(capability: string): number | undefined {
    let next: number | undefined;
    for (const { state } of this.claims.get(capability)?.values() ?? [])
      // A held item's change is in flight: its release wakes the waiting claims instead.
      if (!this.isHeld(state.spec.id) && (next === undefined || state.leaseUntil < next)) next = state.leaseUntil;
    return next;
  }
}
