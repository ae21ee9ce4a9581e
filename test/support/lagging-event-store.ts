import type {
  AggregateKind,
  EventStore,
  StoredBatch,
  StreamId,
  SubscribeOptions,
  Subscription,
} from '../../src/ports/index.js';

/**
 * An event store whose subscribers lag: every delivery is held until the test says
 * `deliver`, as with a JetStream consumer behind direct reads and appends. (The memory
 * store delivers on the next microtask, which hides such lags.)
 */
export class LaggingEventStore implements EventStore {
  private held: Array<() => void> = [];
  constructor(private readonly inner: EventStore) {}
  read<E>(stream: StreamId) {
    return this.inner.read<E>(stream);
  }
  append<E>(
    stream: StreamId,
    events: readonly E[],
    expectedRevision: number,
    idempotencyKey?: string,
  ): Promise<number> {
    return this.inner.append(stream, events, expectedRevision, idempotencyKey);
  }
  compact<E>(stream: StreamId, snapshot: readonly E[], expectedRevision: number): Promise<number> {
    return this.inner.compact(stream, snapshot, expectedRevision);
  }
  purge(stream: StreamId): Promise<void> {
    return this.inner.purge(stream);
  }
  subscribe<E>(
    namespace: string,
    kind: AggregateKind,
    handler: (batch: StoredBatch<E>) => void,
    options?: SubscribeOptions,
  ): Promise<Subscription> {
    return this.inner.subscribe<E>(namespace, kind, (batch) => void this.held.push(() => handler(batch)), options);
  }
  head(namespace: string, kind: AggregateKind): Promise<number> {
    return this.inner.head(namespace, kind);
  }
  follow<E>(namespace: string, kind: AggregateKind, handler: (batch: StoredBatch<E>) => void): Promise<Subscription> {
    return this.inner.follow<E>(namespace, kind, (batch) => void this.held.push(() => handler(batch)));
  }
  deliver(): void {
    const held = this.held;
    this.held = [];
    for (const handle of held) handle();
  }
}
