import { DeliverPolicy, DiscardPolicy, JetStreamApiError } from '@nats-io/jetstream';
import type { ChannelMessage, Retention } from '../../domain/index.js';
import type { ChannelLog, ChannelPage, ChannelPosition, NewChannelMessage, ReadWindow } from '../../ports/index.js';
import { channelMessageSchema } from './codecs/domain-schemas.js';
import type { Origin, StoredValueDecoder } from './codecs/stored-value-decoder.js';
import type { NatsBackendConnection } from './nats-connection.js';
import {
  channelNotice,
  channelStream,
  channelStreamPrefix,
  channelSubject,
  channelSubjects,
  ensureStream,
  nanos,
} from './nats-names.js';
import { retryTransient, retryUndelivered } from './transient.js';

const DUPLICATE_WINDOW_MS = 120_000;

/** A channel is its own stream (so retention is per channel); a message id is its stream sequence. */
export class NatsChannelLog implements ChannelLog {
  constructor(
    private readonly conn: NatsBackendConnection,
    private readonly replicas: number,
    private readonly decoder: StoredValueDecoder,
  ) {}

  async ensure(ns: string, channel: string, description: string, retention: Retention): Promise<void> {
    await retryTransient(
      () =>
        ensureStream(this.conn.jsm, {
          name: channelStream(ns, channel),
          subjects: [channelSubject(ns, channel)],
          description,
          num_replicas: this.replicas,
          max_msgs: retention.maxMessages ?? -1,
          max_bytes: retention.maxBytes ?? -1,
          // A full channel drops its oldest messages; it never refuses new ones.
          discard: DiscardPolicy.Old,
          max_age: retention.maxAgeMs !== undefined ? nanos(retention.maxAgeMs) : 0,
          duplicate_window: nanos(Math.min(DUPLICATE_WINDOW_MS, retention.maxAgeMs ?? DUPLICATE_WINDOW_MS)),
          // The server announces each stored message to live watchers: no second publish per
          // send, and no notice for a message that was not stored (or was a duplicate).
          // (headers_only is left at its default: the server omits a false one from the stored config,
          // so naming it made every start see a difference and update the stream.)
          republish: { src: channelSubject(ns, channel), dest: channelNotice(ns, channel) },
        }),
      this.conn.retry,
    );
  }

  async reserved(ns: string): Promise<Readonly<Record<string, number>>> {
    const prefix = channelStreamPrefix(ns);
    return retryTransient(async () => {
      const bytes: Record<string, number> = {};
      for await (const { config } of this.conn.jsm.streams.list(channelSubjects(ns)))
        if (config.name.startsWith(prefix)) bytes[config.name.slice(prefix.length)] = Math.max(0, config.max_bytes);
      return bytes;
    }, this.conn.retry);
  }

  async publish(ns: string, message: NewChannelMessage, idempotencyKey?: string): Promise<ChannelMessage> {
    const subject = channelSubject(ns, message.channel);
    const payload = JSON.stringify(message);
    this.conn.checkPayload('message', payload);
    // A message id costs a header per publish, so only a keyed send (safe to repeat) retries a timeout.
    const ack =
      idempotencyKey !== undefined
        ? await retryTransient(
            () => this.conn.publisher.publish(subject, payload, { msgID: idempotencyKey }),
            this.conn.retry,
          )
        : await retryUndelivered(() => this.conn.publisher.publish(subject, payload), this.conn.retry);
    return { ...message, id: String(ack.seq) };
  }

  async position(ns: string, channel: string): Promise<ChannelPosition> {
    const { state } = await retryTransient(
      () => this.conn.jsm.streams.info(channelStream(ns, channel)),
      this.conn.retry,
    );
    return { first: state.messages === 0 ? 0 : state.first_seq, last: state.last_seq };
  }

  /** One ordered-consumer fetch of exactly the wanted range: O(limit), whatever the history. */
  read(ns: string, channel: string, window: ReadWindow): Promise<ChannelPage> {
    return retryTransient(() => this.readOnce(ns, channel, window), this.conn.retry);
  }

  private async readOnce(ns: string, channel: string, window: ReadWindow): Promise<ChannelPage> {
    const position = await this.position(ns, channel);
    const { first, last } = position;
    if (first === 0) return { messages: [], position };
    const upper = Math.min(last, window.before !== undefined ? window.before - 1 : last);
    let start: number;
    let end: number;
    if (window.after !== undefined) {
      start = Math.max(first, window.after + 1);
      end = Math.min(upper, start + window.limit - 1);
    } else {
      end = upper;
      start = Math.max(first, end - window.limit + 1);
    }
    if (start > end) return { messages: [], position };
    const consumer = await this.conn.orderedConsumer(channelStream(ns, channel), {
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: start,
    });
    const batch = await consumer.fetch({ max_messages: end - start + 1, expires: 5000 });
    const messages: ChannelMessage[] = [];
    for await (const m of batch) {
      if (m.seq > end) break;
      const message = decodeChannelMessage(
        this.decoder,
        { source: channelStream(ns, channel), subject: m.subject, sequence: m.seq },
        channel,
        m.data,
      );
      if (message) messages.push(message);
      if (m.seq === end) break;
    }
    return { messages, position };
  }
}

/** The message of `channel` stored at `origin.sequence`, or undefined (reported) when the bytes are not one. */
export function decodeChannelMessage(
  decoder: StoredValueDecoder,
  origin: Origin & { readonly sequence: number },
  channel: string,
  data: Uint8Array,
): ChannelMessage | undefined {
  const message = decoder.decode(channelMessageSchema, data, origin);
  if (!message) return undefined;
  if (message.channel === channel) return { ...message, id: String(origin.sequence) };
  decoder.reject(origin, `a message of channel ${message.channel} found in channel ${channel}`);
  return undefined;
}

export const isStreamMissing = (error: unknown): boolean => error instanceof JetStreamApiError && error.code === 10059;
