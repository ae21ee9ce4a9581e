import {
  RevisionConflict,
  type AggregateKind,
  type EventStore,
  type ReadResult,
  type StoredBatch,
  type StreamId,
  type Subscription,
} from '../../ports/index.js';

const keyOf = (s: StreamId): string => `${s.namespace}/${s.kind}/${s.id}`;

/** Same semantics as the JetStream store: revisions are positions in one global log. */
export class MemoryEventStore implements EventStore {
  private readonly log: Array<StoredBatch<unknown>> = [];
  private readonly revisions = new Map<string, number>();
  private readonly seen = new Map<string, number>();
  private listeners = new Set<(batch: StoredBatch<unknown>) => void>();

  async read<E>(stream: StreamId): Promise<ReadResult<E>> {
    const key = keyOf(stream);
    const batches = this.log.filter((b) => keyOf(b.stream) === key) as Array<StoredBatch<E>>;
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
    const actual = this.revisions.get(key) ?? 0;
    if (actual !== expectedRevision) throw new RevisionConflict(stream, expectedRevision, actual);
    const batch: StoredBatch<E> = { stream, revision: this.log.length + 1, events: structuredClone(events) };
    this.log.push(batch);
    this.revisions.set(key, batch.revision);
    if (idempotencyKey !== undefined) this.seen.set(`${key}#${idempotencyKey}`, batch.revision);
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
  ): Promise<Subscription> {
    for (const batch of this.log)
      if (batch.stream.namespace === namespace && batch.stream.kind === kind) handler(batch as StoredBatch<E>);
    return this.follow(namespace, kind, handler);
  }

  async head(namespace: string): Promise<number> {
    for (let i = this.log.length - 1; i >= 0; i--) if (this.log[i]!.stream.namespace === namespace) return i + 1;
    return 0;
  }

  async follow<E>(
    namespace: string,
    kind: AggregateKind,
    handler: (batch: StoredBatch<E>) => void,
  ): Promise<Subscription> {
    const matches = (b: StoredBatch<unknown>): boolean => b.stream.namespace === namespace && b.stream.kind === kind;
    const listener = (batch: StoredBatch<unknown>): void => {
      if (matches(batch)) handler(batch as StoredBatch<E>);
    };
    this.listeners.add(listener);
    return { close: async () => void this.listeners.delete(listener) };
  }
}
