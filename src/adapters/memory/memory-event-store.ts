import {
  RevisionConflict,
  type AggregateKind,
  type EventStore,
  type ReadResult,
  type StoredBatch,
  type StreamId,
  type SubscribeOptions,
  type Subscription,
} from '../../ports/index.js';

const keyOf = (s: StreamId): string => `${s.namespace}/${s.kind}/${s.id}`;

/**
 * Same semantics as the JetStream store: revisions are positions in one log. Batches are kept by
 * sequence (in order) and indexed per stream, so compaction and purges drop history for real.
 */
export class MemoryEventStore implements EventStore {
  private sequence = 0;
  private readonly log = new Map<number, StoredBatch<unknown>>();
  private readonly streams = new Map<string, number[]>();
  private readonly revisions = new Map<string, number>();
  private readonly seen = new Map<string, number>();
  private readonly heads = new Map<string, number>();
  private listeners = new Set<(batch: StoredBatch<unknown>) => void>();

  async read<E>(stream: StreamId): Promise<ReadResult<E>> {
    const key = keyOf(stream);
    const batches = (this.streams.get(key) ?? []).map((seq) => this.log.get(seq) as StoredBatch<E>);
    return { events: batches.flatMap((b) => b.events), revision: this.revisions.get(key) ?? 0 };
  }

  async append<E>(
    stream: StreamId,
    events: readonly E[],
    expectedRevision: number,
    idempotencyKey?: string,
  ): Promise<number> {
    const key = keyOf(stream);
    if (idempotencyKey !== undefined) {
      const earlier = this.seen.get(`${key}#${idempotencyKey}`);
      if (earlier !== undefined) return earlier;
    }
    const revision = this.store(stream, events, expectedRevision, false);
    if (idempotencyKey !== undefined) this.seen.set(`${key}#${idempotencyKey}`, revision);
    return revision;
  }

  async compact<E>(stream: StreamId, snapshot: readonly E[], expectedRevision: number): Promise<number> {
    return this.store(stream, snapshot, expectedRevision, true);
  }

  async purge(stream: StreamId): Promise<void> {
    const key = keyOf(stream);
    for (const seq of this.streams.get(key) ?? []) this.log.delete(seq);
    this.streams.delete(key);
    this.revisions.delete(key);
  }

  private store<E>(stream: StreamId, events: readonly E[], expectedRevision: number, rollup: boolean): number {
    const key = keyOf(stream);
    const actual = this.revisions.get(key) ?? 0;
    if (actual !== expectedRevision) throw new RevisionConflict(stream, expectedRevision, actual);
    const batch: StoredBatch<E> = {
      stream,
      revision: ++this.sequence,
      events: structuredClone(events),
      ...(rollup ? { replaces: true as const } : {}),
    };
    const earlier = this.streams.get(key) ?? [];
    if (rollup) for (const seq of earlier.splice(0)) this.log.delete(seq);
    earlier.push(batch.revision);
    this.streams.set(key, earlier);
    this.log.set(batch.revision, batch);
    this.revisions.set(key, batch.revision);
    this.heads.set(`${stream.namespace}/${stream.kind}`, batch.revision);
    // Delivered asynchronously, like a JetStream consumer.
    queueMicrotask(() => {
      for (const listener of this.listeners) listener(batch);
    });
    return batch.revision;
  }

  async subscribe<E>(
    namespace: string,
    kind: AggregateKind,
    handler: (batch: StoredBatch<E>) => void,
    options: SubscribeOptions = {},
  ): Promise<Subscription> {
    const after = options.after ?? 0;
    const matches = (b: StoredBatch<unknown>): boolean =>
      b.stream.namespace === namespace && b.stream.kind === kind && b.revision > after;
    for (const batch of this.log.values()) if (matches(batch)) handler(batch as StoredBatch<E>);
    return this.listen(matches, handler);
  }

  async head(namespace: string, kind: AggregateKind): Promise<number> {
    return this.heads.get(`${namespace}/${kind}`) ?? 0;
  }

  async follow<E>(
    namespace: string,
    kind: AggregateKind,
    handler: (batch: StoredBatch<E>) => void,
  ): Promise<Subscription> {
    return this.listen((b) => b.stream.namespace === namespace && b.stream.kind === kind, handler);
  }

  private listen<E>(
    matches: (b: StoredBatch<unknown>) => boolean,
    handler: (batch: StoredBatch<E>) => void,
  ): Subscription {
    const listener = (batch: StoredBatch<unknown>): void => {
      if (matches(batch)) handler(batch as StoredBatch<E>);
    };
    this.listeners.add(listener);
    return { close: async () => void this.listeners.delete(listener) };
  }
}
