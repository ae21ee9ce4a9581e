import { randomUUID } from 'node:crypto';
import { DeliverPolicy, JetStreamApiError, type JsMsg } from '@nats-io/jetstream';
import {
  BackendUnavailable,
  RevisionConflict,
  type AggregateKind,
  type EventStore,
  type ReadResult,
  type StoredBatch,
  type StreamId,
  type Subscription,
} from '../../ports/index.js';
import { batchSchema, foreignTo, streamOfSubject, type StoredEvent } from './codecs/event-batch-codec.js';
import type { StoredValueDecoder } from './codecs/stored-value-decoder.js';
import type { NatsBackendConnection } from './nats-connection.js';
import { assertToken, EVENTS_STREAM, ensureStream, eventSubject, eventsStreamConfig } from './nats-names.js';
import { ResumableFeed } from './nats-feed.js';
import { retryTransient } from './transient.js';

const WRONG_LAST_SEQUENCE = 10071;
const READ_BATCH = 256;
const READ_WAIT_MS = 5_000;
const NO_MESSAGE = 10037;

/** One subject per aggregate in WARP_EVENTS; one message per decision; revision = stream sequence. */
export class NatsEventStore implements EventStore {
  private ready: Promise<void> | undefined;

  constructor(
    private readonly conn: NatsBackendConnection,
    private readonly replicas: number,
    private readonly decoder: StoredValueDecoder,
    private readonly onError: (error: unknown) => void,
  ) {}

  private ensure(): Promise<void> {
    this.ready ??= retryTransient(
      () => ensureStream(this.conn.jsm, eventsStreamConfig(this.replicas)),
      this.conn.retry,
    ).catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  async read<E>(stream: StreamId): Promise<ReadResult<E>> {
    await this.ensure();
    return retryTransient(() => this.readOnce<E>(stream), this.conn.retry);
  }

  private async readOnce<E>(stream: StreamId): Promise<ReadResult<E>> {
    const subject = eventSubject(stream.namespace, stream.kind, stream.id);
    const last = await this.lastOn(subject);
    if (last === 0) return { events: [], revision: 0 };
    const consumer = await this.conn.orderedConsumer(EVENTS_STREAM, {
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
    const origin = { source: EVENTS_STREAM, subject: m.subject, sequence: m.seq };
    const batch = this.decoder.decode(batchSchema(stream.kind), m.data, origin);
    if (!batch) return undefined;
    const foreign = batch.events.map((event) => foreignTo(stream, event)).find((reason) => reason !== undefined);
    if (foreign === undefined) return batch.events;
    this.decoder.reject(origin, foreign);
    return undefined;
  }

  /** Sequence of the newest message on `subject` (wildcards allowed), 0 when there is none. */
  private async lastOn(subject: string): Promise<number> {
    try {
      const message = await retryTransient(
        () => this.conn.jsm.streams.getMessage(EVENTS_STREAM, { last_by_subj: subject }),
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
    await this.ensure();
    const subject = eventSubject(stream.namespace, stream.kind, stream.id);
    try {
      // Every append carries a message id, so a retry after a lost ack is stored once.
      const msgID = `${subject}:${idempotencyKey ?? randomUUID()}`;
      const payload = JSON.stringify({ events });
      this.conn.checkPayload(`the ${stream.kind} record`, payload);
      const ack = await retryTransient(
        () => this.conn.js.publish(subject, payload, { expect: { lastSubjectSequence: expectedRevision }, msgID }),
        this.conn.retry,
      );
      return ack.seq;
    } catch (error) {
      if (error instanceof JetStreamApiError && error.code === WRONG_LAST_SEQUENCE)
        throw new RevisionConflict(stream, expectedRevision);
      throw error;
    }
  }

  async subscribe<E>(
    namespace: string,
    kind: AggregateKind,
    handler: (batch: StoredBatch<E>) => void,
  ): Promise<Subscription> {
    await this.ensure();
    const filter = kindFilter(namespace, kind);
    // The last matching message marks where the replay ends (wildcards are allowed in last_by_subj).
    const last = await this.lastOn(filter);
    let caughtUp: () => void = () => {};
    const replayed = new Promise<void>((resolve) => (caughtUp = resolve));
    if (last === 0) caughtUp();
    const deliver = this.deliverer(namespace, kind, handler);
    const feed = new ResumableFeed(
      this.conn,
      EVENTS_STREAM,
      filter,
      (m) => {
        try {
          deliver(m);
        } finally {
          // A skipped (or failed) batch still counts towards the replay's end.
          if (m.seq >= last) caughtUp();
        }
      },
      this.onError,
    );
    await feed.start();
    await replayed;
    return { close: () => feed.close() };
  }

  async head(namespace: string): Promise<number> {
    await this.ensure();
    return this.lastOn(`warp.ev.${assertToken(namespace)}.>`);
  }

  async follow<E>(
    namespace: string,
    kind: AggregateKind,
    handler: (batch: StoredBatch<E>) => void,
  ): Promise<Subscription> {
    await this.ensure();
    const filter = kindFilter(namespace, kind);
    const last = await this.lastOn(filter);
    const feed = new ResumableFeed(
      this.conn,
      EVENTS_STREAM,
      filter,
      this.deliverer(namespace, kind, handler),
      this.onError,
      last,
    );
    await feed.start();
    return { close: () => feed.close() };
  }

  /** Decodes each message of the kind's feed into a batch for `handler`, reporting what is not one. */
  private deliverer<E>(namespace: string, kind: AggregateKind, handler: (batch: StoredBatch<E>) => void) {
    return (m: JsMsg): void => {
      const stream = streamOfSubject(m.subject);
      if (stream?.namespace !== namespace || stream.kind !== kind) {
        this.decoder.reject(
          { source: EVENTS_STREAM, subject: m.subject, sequence: m.seq },
          'not a subject Warp writes',
        );
        return;
      }
      const events = this.decodeBatch(stream, m);
      if (events) handler({ stream, revision: m.seq, events: events as E[] });
    };
  }
}

const kindFilter = (namespace: string, kind: AggregateKind): string =>
  `${eventSubject(namespace, kind, 'x').slice(0, -1)}>`;
