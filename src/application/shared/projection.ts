import type { Decider } from '../../domain/index.js';
import type { KeptState, Quarantine, StoredBatch } from '../../ports/index.js';
import { replayStored } from './replay-stored.js';

export interface Entry<S> {
  readonly state: S;
  readonly revision: number;
}

/**
 * An in-process read model folded from one aggregate kind's event batches. Batches
 * seen twice (replay plus local echo) are ignored by revision, so feeding it from
 * both the subscription and the writer's own appends is safe.
 */
export class Projection<C, S, E> {
  protected readonly entries = new Map<string, Entry<S>>();
  private waiters: Array<() => void> = [];
  /** Aggregates with an append in flight whose outcome the model does not know yet (ADR 0026). */
  private readonly held = new Map<string, number>();
  private readonly observers = new Set<(batch: StoredBatch<E>) => void>();

  constructor(
    readonly decider: Decider<C, S, E>,
    private readonly quarantine: Quarantine,
  ) {}

  /**
   * Folds `batch` in. A writer passes the `resulting` state it computed: its append may rest
   * on events this model has not been delivered yet, so folding the batch alone would skip them.
   * Observers see only the events replay accepted (a forged offer is never pushed as work).
   */
  apply(batch: StoredBatch<E>, resulting?: S): void {
    const current = this.get(batch.stream.id);
    // Checked before the events are looked at: a store may decode them only when asked.
    if (current && current.revision >= batch.revision) return;
    // No events: a stored value that did not decode (the store counted it), which changes nothing.
    if (!resulting && batch.events.length === 0) return;
    const skipped = new Set<E>();
    const state =
      resulting ??
      replayStored(this.decider, this.quarantine, batch.stream, batch.events, {
        // A compaction starts the stream afresh: the events between what this model saw and it may be gone.
        from: batch.replaces ? undefined : current?.state,
        sequence: batch.revision,
        skipped,
      });
    const seen = skipped.size ? { ...batch, events: batch.events.filter((e) => !skipped.has(e)) } : batch;
    this.keep(batch.stream.id, { state, revision: batch.revision }, seen);
    this.announce(seen);
  }

  /**
   * Tells observers and waiters about `batch` without folding it in: how a thin session, which keeps
   * no copy of the model, still hears of changes as they happen.
   */
  announce(batch: StoredBatch<E>): void {
    for (const observe of this.observers) observe(batch);
    this.wakeWaiters();
  }

  private wakeWaiters(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** The states it holds, for a checkpoint. */
  kept(): Array<KeptState<S>> {
    return [...this.entries].map(([id, { state, revision }]) => ({ id, revision, state }));
  }

  /** Puts back states from a checkpoint, before any batch is applied. */
  restore(kept: ReadonlyArray<KeptState<S>>): void {
    for (const { id, revision, state } of kept) this.entries.set(id, { state, revision });
  }

  /** Where an aggregate's new state goes (`batch` holds the events that led to it); a model that forgets some overrides it. */
  protected keep(id: string, entry: Entry<S>, _batch: StoredBatch<E>): void {
    this.entries.set(id, entry);
  }

  /** Sees each batch once, when it first changes the model. */
  observe(observer: (batch: StoredBatch<E>) => void): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  get(id: string): Entry<S> | undefined {
    return this.entries.get(id);
  }

  all(): IterableIterator<[string, Entry<S>]> {
    return this.entries.entries();
  }

  /** Marks `id` as changing: an append is in flight whose outcome comes later. */
  hold(id: string): void {
    this.held.set(id, (this.held.get(id) ?? 0) + 1);
  }

  /** An append in flight for `id` settled; once none is, waiters look again (a refused claim leaves its item free). */
  release(id: string): void {
    const holds = this.held.get(id);
    if (holds === undefined) return;
    if (holds > 1) return void this.held.set(id, holds - 1);
    this.held.delete(id);
    this.wakeWaiters();
  }

  isHeld(id: string): boolean {
    return this.held.has(id);
  }

  /**
   * Resolves once every append in flight now has settled, so that a read sees each change its
   * caller was told is stored (each settles within the store's request timeout).
   */
  async settled(): Promise<void> {
    const inFlight = [...this.held.keys()];
    while (inFlight.some((id) => this.held.has(id))) await this.changed();
  }

  /** Resolves on the next applied batch, or when `signal` aborts. */
  changed(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const wake = (): void => {
        signal?.removeEventListener('abort', wake);
        this.waiters = this.waiters.filter((w) => w !== wake);
        resolve();
      };
      this.waiters.push(wake);
      signal?.addEventListener('abort', wake, { once: true });
    });
  }
}
