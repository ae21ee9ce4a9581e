/** Which aggregate a stream belongs to; also a subject token in the NATS adapter. */
export type AggregateKind = 'agent' | 'channel' | 'work' | 'reservation';

export interface StreamId {
  readonly namespace: string;
  readonly kind: AggregateKind;
  readonly id: string;
}

/** The events one decision appended, stored atomically under one revision. */
export interface StoredBatch<E> {
  readonly stream: StreamId;
  readonly revision: number;
  readonly events: readonly E[];
  /** Set on a compaction: this batch is now the stream's whole history (what came before it is gone). */
  readonly replaces?: true;
}

/** Revision 0 means "the stream has no events yet". */
export interface ReadResult<E> {
  readonly events: readonly E[];
  readonly revision: number;
}

export interface SubscribeOptions {
  /** Deliver only batches stored at a revision above this one. */
  readonly after?: number;
}

export interface Subscription {
  close(): Promise<void>;
}

/** The stream moved on since it was read: reload, decide again, append again. */
export class RevisionConflict extends Error {
  constructor(
    readonly stream: StreamId,
    readonly expected: number,
    readonly actual?: number,
  ) {
    super(`Stream ${stream.namespace}/${stream.kind}/${stream.id} is not at revision ${expected}`);
    this.name = 'RevisionConflict';
  }
}

/**
 * Append-only event streams with optimistic concurrency. A batch appended by one
 * decision is stored atomically and shares one revision.
 *
 * The events are the domain events of the stream's kind. Stored history is untrusted: a
 * batch read back that is not one of them is skipped (and reported to the Quarantine), never
 * returned; the revision still counts it.
 *
 * @example
 *   const { events, revision } = await store.read(stream);
 *   await store.append(stream, decide(cmd, fold(events)), revision); // may throw RevisionConflict
 */
export interface EventStore {
  read<E>(stream: StreamId): Promise<ReadResult<E>>;
  /** Returns the new revision. `idempotencyKey` stores a retried append once. */
  append<E>(stream: StreamId, events: readonly E[], expectedRevision: number, idempotencyKey?: string): Promise<number>;
  /**
   * Sends the append without waiting for the store's answer, which goes to the session that asked
   * for it (a hub's deferred request, ADR 0026); `settled` runs once the outcome is known (ADR 0027:
   * from the store's feed of the stream), with the new revision, or with undefined when it was
   * refused or not seen within the request timeout. False where it cannot (then `append`).
   */
  appendDeferred?<E>(
    stream: StreamId,
    events: readonly E[],
    expectedRevision: number,
    settled: (revision: number | undefined) => void,
  ): boolean;
  /**
   * Replaces the stream's history with `snapshot` (one batch, e.g. a finished aggregate's whole
   * state) if it is still at `expectedRevision` (else RevisionConflict); returns the new revision.
   * Subscribers see the snapshot as a new batch; a later `read` returns only it. `replaced`, from a
   * caller that saw every batch of the stream, lists their revisions, which spares the store
   * looking them up; should it miss one, that batch may stay stored, never read again.
   */
  compact<E>(
    stream: StreamId,
    snapshot: readonly E[],
    expectedRevision: number,
    replaced?: readonly number[],
  ): Promise<number>;
  /** Forgets the stream: it reads as empty at revision 0 afterwards. */
  purge(stream: StreamId): Promise<void>;
  /**
   * Replays every stored event of `kind` in `namespace` (only those stored after revision
   * `options.after`, when given: the tail after a checkpoint), then follows new ones; resolves once caught up.
   */
  subscribe<E>(
    namespace: string,
    kind: AggregateKind,
    handler: (batch: StoredBatch<E>) => void,
    options?: SubscribeOptions,
  ): Promise<Subscription>;
  /** The revision of the newest batch of `kind` stored in `namespace` (0 when none): how far a reader has to go. */
  head(namespace: string, kind: AggregateKind): Promise<number>;
  /** Follows the events of `kind` in `namespace` appended from now on, replaying nothing (a thin session's live feed). */
  follow<E>(namespace: string, kind: AggregateKind, handler: (batch: StoredBatch<E>) => void): Promise<Subscription>;
}
