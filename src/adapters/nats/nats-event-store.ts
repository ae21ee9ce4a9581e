import { randomUUID } from 'node:crypto';
import { DeliverPolicy, JetStreamApiError, type JsMsg } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';
import {
  BackendUnavailable,
  RevisionConflict,
  type AggregateKind,
  type EventStore,
  type ReadResult,
  type StoredBatch,
  type StreamId,
  type SubscribeOptions,
  type Subscription,
} from '../../ports/index.js';
import { batchSchema, foreignTo, streamOfSubject, type StoredEvent } from './codecs/event-batch-codec.js';
import type { StoredValueDecoder } from './codecs/stored-value-decoder.js';
import type { NatsBackendConnection } from './nats-connection.js';
import { ensureStream, eventSubject, eventsStream, eventsStreamConfig } from './nats-names.js';
import { projectFull, projectRefusal } from './nats-refusals.js';
import { ResumableFeed } from './nats-feed.js';
import { publishHeaders, type PublishOptions } from './jetstream-publisher.js';
import { headerBytes, recordBytes, refusingLimit, roomOf, type StreamRoom } from './stream-room.js';
import { retryTransient } from './transient.js';

const WRONG_LAST_SEQUENCE = 10071;
const READ_BATCH = 256;
const READ_WAIT_MS = 5_000;
const NO_MESSAGE = 10037;
/** Marks a compaction's snapshot: its batch is now the aggregate's whole history (ADR 0029). */
export const SNAPSHOT_HEADER = 'Warp-Snapshot';
/** How a snapshot was marked before ADR 0029 (the server's rollup), still read from streams that hold one. */
const ROLLUP = 'Nats-Rollup';
/** Past this many undelivered messages a feed is too far behind to learn a deferred append's outcome soon. */
const DEFER_MAX_BEHIND = 100;

/** A deferred append sent and waiting to be seen in a feed. */
interface InFlight {
  /** What it stores: a message with these bytes is it (or the very same batch, which is as good). */
  readonly body: Buffer;
  readonly expected: number;
  /** Where its ack went: the session that asked names it when the stream refused it. */
  readonly replyTo: string;
  settle(revision: number | undefined): void;
}

/**
 * One stream per namespace and kind (WARP_EV_<ns>_<kind>), one subject per aggregate, one message per
 * decision; revision = stream sequence. Feeds read whole streams, so none has to find its subjects
 * among another kind's (nats-server scans for a wildcard lookup: finished work slowed channel reads).
 */
export class NatsEventStore implements EventStore {
  /** Streams made sure of, by namespace: each is created on its first use. */
  private readonly ready = new Map<string, Promise<void>>();
  /** Streams known to exist: an append to one can be readied without waiting (prepareDeferred). */
  private readonly ensured = new Set<string>();
  /** Open feeds by stream: a deferred append learns its outcome from one (prepareDeferred). */
  private readonly feeds = new Map<string, number>();
  /** Deferred appends sent and not yet settled, by subject. */
  private readonly inFlight = new Map<string, InFlight[]>();
  /** How many messages each stream's feed had yet to deliver, as of the last it delivered. */
  private readonly behind = new Map<string, number>();
  /** The room of each stream with a byte limit (null: it has none), once counted: a write must fit it (see StreamRoom). */
  private readonly rooms = new Map<string, StreamRoom | null>();
  /** Counts of a stream's room under way. */
  private readonly counting = new Map<string, Promise<StreamRoom | null>>();

  constructor(
    private readonly conn: NatsBackendConnection,
    private readonly replicas: number,
    private readonly decoder: StoredValueDecoder,
    private readonly onError: (error: unknown) => void,
    /** Each kind's stream's byte limit, -1 for none (the hub: WARP_PROJECT_MAX_BYTES); undefined leaves limits as set. */
    private readonly maxBytes?: number,
  ) {}

  private ensure(namespace: string, kind: AggregateKind): Promise<void> {
    const key = eventsStream(namespace, kind);
    let ready = this.ready.get(key);
    if (!ready) {
      ready = retryTransient(
        () => ensureStream(this.conn.jsm, eventsStreamConfig(namespace, kind, this.replicas, this.maxBytes)),
        this.conn.retry,
      ).then(
        () => void this.ensured.add(key),
        (error: unknown) => {
          this.ready.delete(key);
          throw error;
        },
      );
      this.ready.set(key, ready);
    }
    return ready;
  }

  /** How many messages the kind's stream holds and the sequence of the newest it held (0 for a new one): a cheap lookup. */
  private async streamState(namespace: string, kind: AggregateKind): Promise<{ last: number; messages: number }> {
    await this.ensure(namespace, kind);
    const name = eventsStream(namespace, kind);
    const info = await retryTransient(() => this.conn.jsm.streams.info(name), this.conn.retry);
    // The stream's first count of room, if none was made: no write to it went out yet, each waits for one.
    if (!this.rooms.has(name) && !this.counting.has(name)) this.rooms.set(name, roomOf(info));
    return { last: info.state.last_seq, messages: info.state.messages };
  }

  /** Counts the room of stream `name` afresh, from what the server says it holds (one count at a time). */
  private countRoom(name: string): Promise<StreamRoom | null> {
    let counting = this.counting.get(name);
    if (!counting) {
      const room = this.rooms.get(name);
      const counted = room?.refreshing();
      counting = retryTransient(() => this.conn.jsm.streams.info(name), this.conn.retry)
        .then((info) => {
          const limit = refusingLimit(info.config);
          if (room && counted && limit !== undefined) counted(limit, info.state.bytes, info.state.last_seq);
          else this.rooms.set(name, roomOf(info));
          return this.rooms.get(name) ?? null;
        })
        .finally(() => this.counting.delete(name));
      this.counting.set(name, counting);
    }
    return counting;
  }

  /**
   * Takes `bytes` from the room of stream `name` for a write about to go out, counting the stream
   * again first when it seems not to fit; refuses it as the project's quota when it does not.
   * Returns what to call once the write's outcome is known.
   */
  private async makeRoom(stream: StreamId, name: string, bytes: number): Promise<() => void> {
    let room = this.rooms.get(name);
    if (room === undefined || (room && !room.fits(bytes))) room = await this.countRoom(name);
    if (!room) return () => {};
    if (!room.fits(bytes)) {
      const maxBytes = this.maxBytes !== undefined && this.maxBytes > 0 ? this.maxBytes : room.limit;
      throw projectFull({ project: stream.namespace, kind: stream.kind, maxBytes });
    }
    return room.take(bytes);
  }

  async read<E>(stream: StreamId): Promise<ReadResult<E>> {
    await this.ensure(stream.namespace, stream.kind);
    return retryTransient(() => this.readOnce<E>(stream), this.conn.retry);
  }

  private async readOnce<E>(stream: StreamId): Promise<ReadResult<E>> {
    const subject = eventSubject(stream.namespace, stream.kind, stream.id);
    const last = await this.lastOn(stream, subject);
    if (last === 0) return { events: [], revision: 0 };
    const consumer = await this.conn.orderedConsumer(eventsStream(stream.namespace, stream.kind), {
      filter_subjects: subject,
      deliver_policy: DeliverPolicy.All,
    });
    const events: E[] = [];
    // Bounded fetches rather than an open-ended consume: a read must end even if the stream
    // no longer holds what `last` promised.
    for (let reached = 0; reached < last;) {
      const batch = await consumer.fetch({ max_messages: READ_BATCH, expires: READ_WAIT_MS });
      const before = reached;
      for await (const m of batch) {
        // What a snapshot replaces may still be there (its deletion under way, or cut short): it starts afresh.
        if (isSnapshot(m)) events.length = 0;
        events.push(...((this.decodeBatch(stream, m) ?? []) as E[]));
        reached = m.seq;
        if (m.seq >= last) break;
      }
      if (reached === before)
        throw new BackendUnavailable(
          `NATS did not deliver the events of ${stream.kind} ${stream.id} up to revision ${last}. Try again shortly.`,
        );
    }
    return { events, revision: last };
  }

  /** The events of one stored decision, or undefined (reported) when the message is not one of `stream`'s. */
  private decodeBatch(stream: StreamId, m: JsMsg): StoredEvent[] | undefined {
    const origin = { source: eventsStream(stream.namespace, stream.kind), subject: m.subject, sequence: m.seq };
    const batch = this.decoder.decode(batchSchema(stream.kind), m.data, origin);
    if (!batch) return undefined;
    const foreign = batch.events.map((event) => foreignTo(stream, event)).find((reason) => reason !== undefined);
    if (foreign === undefined) return batch.events;
    this.decoder.reject(origin, foreign);
    return undefined;
  }

  /** Sequence of the newest message on one aggregate's `subject`, 0 when there is none. */
  private async lastOn(stream: StreamId, subject: string): Promise<number> {
    try {
      const message = await retryTransient(
        () => this.conn.jsm.streams.getMessage(eventsStream(stream.namespace, stream.kind), { last_by_subj: subject }),
        this.conn.retry,
      );
      return message?.seq ?? 0;
    } catch (error) {
      if (error instanceof JetStreamApiError && error.code === NO_MESSAGE) return 0;
      throw error;
    }
  }

  async append<E>(
    stream: StreamId,
    events: readonly E[],
    expectedRevision: number,
    idempotencyKey?: string,
  ): Promise<number> {
    // Every append carries a message id, so a retry after a lost ack is stored once.
    return this.publish(stream, events, expectedRevision, idempotencyKey ?? randomUUID(), false);
  }

  /**
   * An append whose ack is to go to `replyTo` (a session waiting for it, ADR 0026), ready to send.
   * Its outcome comes from this store's feed of the stream, which the hub reads anyway: `settled`
   * gets the revision once the feed delivers it, or undefined once another change to the aggregate
   * shows it refused, once its session says the stream refused it (`refusedDeferred`), or when none
   * of these happened within the request timeout (a stored one is then still delivered to the feed's
   * subscribers as usual). Undefined while the stream is not known to exist or no feed of it is open.
   * Checked now (its size), sent later: with the answer, in one write.
   */
  prepareDeferred<E>(
    stream: StreamId,
    events: readonly E[],
    expectedRevision: number,
    replyTo: string,
    settled: (revision: number | undefined) => void,
  ): (() => void) | undefined {
    const streamName = eventsStream(stream.namespace, stream.kind);
    if (!this.ensured.has(streamName) || !this.feeds.get(streamName)) return undefined;
    // A feed far behind (a burst) would keep the aggregate held until it caught up: store it first instead.
    if ((this.behind.get(streamName) ?? 0) > DEFER_MAX_BEHIND) return undefined;
    const { subject, payload, options } = this.record(stream, events, expectedRevision, randomUUID());
    const body = Buffer.from(payload);
    // Only into known room (see StreamRoom): otherwise it is stored the usual way, which counts the stream.
    const room = this.rooms.get(streamName);
    const bytes = recordBytes(subject, headerBytes(publishHeaders(options)), body.length);
    if (room === undefined || (room && !room.fits(bytes))) return undefined;
    const taken = room?.take(bytes);
    let sent = false;
    // One never sent (its request failed after all) is known not stored once its request would have timed out.
    if (taken)
      setTimeout(() => {
        if (!sent) taken();
      }, this.conn.requestTimeoutMs).unref();
    return () => {
      sent = true;
      this.conn.publisher.send(subject, body, options, replyTo);
      // Not sent again when unseen: a refusal the hub cannot see (the session asks another hub
      // again) would make a repeat that the stream later takes a change nobody waits for.
      let done = false;
      const settle = (revision: number | undefined): void => {
        if (done) return;
        done = true;
        taken?.();
        clearTimeout(unseen);
        const waiting = this.inFlight.get(subject)?.filter((other) => other !== entry) ?? [];
        if (waiting.length > 0) this.inFlight.set(subject, waiting);
        else this.inFlight.delete(subject);
        settled(revision);
      };
      const entry: InFlight = { body, expected: expectedRevision, replyTo, settle };
      const unseen = setTimeout(() => settle(undefined), this.conn.requestTimeoutMs);
      unseen.unref();
      this.inFlight.set(subject, [...(this.inFlight.get(subject) ?? []), entry]);
    };
  }

  /**
   * Settles the deferred appends on `m`'s subject that `m` decides: stored if `m` is one, refused if
   * `m` is another change after the revision they expected (theirs, stored, would have come first).
   * Compared by body, not by message id: decoding the headers of every own append cost more.
   */
  private settleInFlight(m: JsMsg): void {
    const waiting = this.inFlight.get(m.subject);
    if (!waiting) return;
    const body = Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength);
    for (const entry of waiting) {
      if (entry.expected >= m.seq) continue;
      try {
        entry.settle(body.equals(entry.body) ? m.seq : undefined);
      } catch (error) {
        // One writer's failure must not leave the others waiting, nor the feed's subscribers unfed.
        this.onError(error);
      }
    }
  }

  /**
   * The session whose deferred append's ack went to `replyTo` says the stream refused it: settled
   * as not stored. A refusal the feed cannot show (a quota stores nothing) would otherwise hold the
   * aggregate until the request timeout. Only the session that owns the subject can name it.
   */
  refusedDeferred(replyTo: string): void {
    for (const waiting of [...this.inFlight.values()])
      for (const entry of waiting) if (entry.replyTo === replyTo) entry.settle(undefined);
  }

  /**
   * Stores the snapshot, then deletes the messages it replaces one by one. Not a rollup nor a
   * subject purge: on nats-server before 2.9.12 either moves every unfiltered consumer of the
   * stream (every feed) that has not reached the snapshot on to it, so each feed silently skipped
   * whatever any aggregate stored in between (ADR 0029). A deletion moves no consumer. A message
   * left over (a crash between, a batch `replaced` missed) takes space only: reads and feeds start
   * afresh at a snapshot.
   */
  async compact<E>(
    stream: StreamId,
    snapshot: readonly E[],
    expectedRevision: number,
    replaced?: readonly number[],
  ): Promise<number> {
    const revision = await this.publish(stream, snapshot, expectedRevision, `compact-${expectedRevision}`, true);
    // What the caller saw (every batch before the snapshot) or, not knowing, what the stream holds.
    const name = eventsStream(stream.namespace, stream.kind);
    if (replaced) await Promise.all(replaced.filter((seq) => seq < revision).map((seq) => this.deleteOne(name, seq)));
    else await this.deleteBefore(stream, revision);
    return revision;
  }

  private async publish<E>(
    stream: StreamId,
    events: readonly E[],
    expectedRevision: number,
    idempotencyKey: string,
    rollup: boolean,
  ): Promise<number> {
    await this.ensure(stream.namespace, stream.kind);
    const { subject, payload, options } = this.record(stream, events, expectedRevision, idempotencyKey, rollup);
    const bytes = recordBytes(subject, headerBytes(publishHeaders(options)), Buffer.byteLength(payload));
    const sent = await this.makeRoom(stream, eventsStream(stream.namespace, stream.kind), bytes);
    try {
      const ack = await retryTransient(() => this.conn.publisher.publish(subject, payload, options), this.conn.retry);
      return ack.seq;
    } catch (error) {
      if (error instanceof JetStreamApiError && error.code === WRONG_LAST_SEQUENCE)
        throw new RevisionConflict(stream, expectedRevision);
      const quota = { project: stream.namespace, kind: stream.kind, maxBytes: this.maxBytes ?? -1 };
      throw projectRefusal(error, quota) ?? error;
    } finally {
      sent();
    }
  }

  /** One decision as the message that stores it: subject, body (within max_payload) and what the stream must check. */
  private record<E>(
    stream: StreamId,
    events: readonly E[],
    expectedRevision: number,
    idempotencyKey: string,
    rollup = false,
  ): { subject: string; payload: string; options: PublishOptions } {
    const subject = eventSubject(stream.namespace, stream.kind, stream.id);
    const payload = JSON.stringify({ events });
    this.conn.checkPayload(`the ${stream.kind} record`, payload);
    // The message id makes a retried (or resent) append stored once.
    const options = { msgID: `${subject}:${idempotencyKey}`, expect: { lastSubjectSequence: expectedRevision } };
    if (!rollup) return { subject, payload, options };
    // Feeds read it as the whole history (`replaces`); compact deletes what came before.
    const h = headers();
    h.set(SNAPSHOT_HEADER, 'replaces');
    return { subject, payload, options: { ...options, headers: h } };
  }

  /** Deletes the aggregate's messages one by one: a subject purge would move feeds past others' batches (see `compact`). */
  async purge(stream: StreamId): Promise<void> {
    await this.ensure(stream.namespace, stream.kind);
    await this.deleteBefore(stream, Number.POSITIVE_INFINITY);
  }

  /**
   * Deletes the messages on `stream`'s subject stored before `revision`. Each is found by the
   * server's next-on-subject lookup (per-block subject state, not a scan of the stream) and deleted
   * while the next is looked up.
   */
  private async deleteBefore(stream: StreamId, revision: number): Promise<void> {
    const name = eventsStream(stream.namespace, stream.kind);
    const subject = eventSubject(stream.namespace, stream.kind, stream.id);
    const deletions: Array<Promise<unknown>> = [];
    for (let from = 1; ;) {
      const seq = await this.nextOn(name, subject, from);
      if (seq === undefined || seq >= revision) break;
      deletions.push(this.deleteOne(name, seq));
      from = seq + 1;
    }
    await Promise.all(deletions);
  }

  /** Deletes the message at `seq` from stream `name`; one already gone (another hub doing the same) is fine. */
  private async deleteOne(name: string, seq: number): Promise<void> {
    await retryTransient(() => this.conn.jsm.streams.deleteMessage(name, seq, false), this.conn.retry).catch(gone);
  }

  /** The sequence of the first message on `subject` at or after `from`, undefined when there is none. */
  private async nextOn(name: string, subject: string, from: number): Promise<number | undefined> {
    // The client's type lists only the lookups by sequence and by last subject; the server also takes this one.
    const query = { seq: from, next_by_subj: subject } as unknown as { seq: number };
    // The client answers "no message" with null.
    return (await retryTransient(() => this.conn.jsm.streams.getMessage(name, query), this.conn.retry))?.seq;
  }

  async subscribe<E>(
    namespace: string,
    kind: AggregateKind,
    handler: (batch: StoredBatch<E>) => void,
    options: SubscribeOptions = {},
  ): Promise<Subscription> {
    const after = options.after ?? 0;
    const { last, messages } = await this.streamState(namespace, kind);
    let caughtUp: () => void = () => {};
    const replayed = new Promise<void>((resolve) => (caughtUp = resolve));
    if (messages === 0 || last <= after) caughtUp();
    const deliver = this.deliverer(namespace, kind, handler);
    const feed = new ResumableFeed(
      this.conn,
      eventsStream(namespace, kind),
      undefined,
      (m) => {
        try {
          deliver(m);
        } finally {
          // A skipped (or failed) batch still counts towards the replay's end; so does reaching the
          // newest stored message when the newest ever stored has since been removed (a purge).
          if (m.seq >= last || m.info.pending === 0) caughtUp();
        }
      },
      this.onError,
      after,
    );
    await this.started(feed);
    await replayed;
    return { close: () => this.closed(feed) };
  }

  async head(namespace: string, kind: AggregateKind): Promise<number> {
    return (await this.streamState(namespace, kind)).last;
  }

  async follow<E>(
    namespace: string,
    kind: AggregateKind,
    handler: (batch: StoredBatch<E>) => void,
  ): Promise<Subscription> {
    const { last } = await this.streamState(namespace, kind);
    const feed = new ResumableFeed(
      this.conn,
      eventsStream(namespace, kind),
      undefined,
      this.deliverer(namespace, kind, handler),
      this.onError,
      last,
    );
    await this.started(feed);
    return { close: () => this.closed(feed) };
  }

  private async started(feed: ResumableFeed): Promise<void> {
    await feed.start();
    this.feeds.set(feed.stream, (this.feeds.get(feed.stream) ?? 0) + 1);
  }

  private closed(feed: ResumableFeed): Promise<void> {
    const open = (this.feeds.get(feed.stream) ?? 1) - 1;
    if (open > 0) this.feeds.set(feed.stream, open);
    else {
      this.feeds.delete(feed.stream);
      this.behind.delete(feed.stream);
    }
    return feed.close();
  }

  /** Decodes each message of the kind's feed into a batch for `handler`, reporting what is not one. */
  private deliverer<E>(namespace: string, kind: AggregateKind, handler: (batch: StoredBatch<E>) => void) {
    const source = eventsStream(namespace, kind);
    return (m: JsMsg): void => {
      // Whatever it is, it takes room in the stream (only a stream with a byte limit has its headers read).
      const room = this.rooms.get(source);
      if (room) room.seen(m.seq, recordBytes(m.subject, headerBytes(m.headers), m.data.length));
      const stream = streamOfSubject(m.subject);
      if (stream?.namespace !== namespace || stream.kind !== kind) {
        this.decoder.reject({ source, subject: m.subject, sequence: m.seq }, 'not a subject Warp writes');
        return;
      }
      this.behind.set(source, m.info.pending);
      this.settleInFlight(m);
      handler(this.storedBatch<E>(stream, m));
    };
  }

  /**
   * The batch `m` stores, decoded on first use: a model that holds this revision already (the
   * hub's own append, say) never decodes it. One that does not decode has no events.
   */
  private storedBatch<E>(stream: StreamId, m: JsMsg): StoredBatch<E> {
    let events: E[] | undefined;
    const decode = (): E[] => (events ??= (this.decodeBatch(stream, m) ?? []) as E[]);
    return {
      stream,
      revision: m.seq,
      get events(): E[] {
        return decode();
      },
      // The client decodes a message's headers once, on first use.
      get replaces(): true | undefined {
        return isSnapshot(m) ? true : undefined;
      },
    };
  }
}

/** Whether `m` is a compaction's snapshot, marked as this store does or as it did before ADR 0029. */
function isSnapshot(m: JsMsg): boolean {
  const h = m.headers;
  return h !== undefined && (h.has(SNAPSHOT_HEADER) || h.get(ROLLUP) === 'sub');
}

/** A deletion that failed because the message is gone already: what it was for is done. */
function gone(error: unknown): void {
  if (!(error instanceof JetStreamApiError)) throw error;
  // nats-server 2.9 reports it as a failed deletion (10057) whose reason is "no message found", or,
  // when another hub compacting the same item deleted it first, as "sequence N not found".
  if (error.code === NO_MESSAGE || /^(no message found|sequence \d+ not found)$/i.test(error.message)) return;
  throw error;
}
