import { DeliverPolicy, JetStreamApiError } from '@nats-io/jetstream';
import type { DirectMessage, Inbox, InboxFilter, InboxPeek, NewDirectMessage, PeekWindow } from '../../ports/index.js';
import { storedDirectMessageSchema } from './codecs/domain-schemas.js';
import type { StoredValueDecoder } from './codecs/stored-value-decoder.js';
import type { NatsBackendConnection } from './nats-connection.js';
import { directNotice, ensureStream, INBOX_STREAM, inboxStreamConfig, inboxSubject } from './nats-names.js';
import { retryTransient, retryUndelivered, withinBudget } from './transient.js';

/** Inboxes are subjects of WARP_INBOX; reading deletes exactly the returned messages, so filters consume nothing else. */
export class NatsInbox implements Inbox {
  private ready: Promise<void> | undefined;

  constructor(
    private readonly conn: NatsBackendConnection,
    private readonly replicas: number,
    private readonly decoder: StoredValueDecoder,
  ) {}

  /** One stream holds every inbox, so opening one makes sure that stream exists. */
  open(): Promise<void> {
    this.ready ??= retryTransient(
      () => ensureStream(this.conn.jsm, inboxStreamConfig(this.replicas)),
      this.conn.retry,
    ).catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  async deliver(message: NewDirectMessage, idempotencyKey?: string): Promise<DirectMessage> {
    await this.open();
    const subject = inboxSubject(message.recipientGuid);
    const payload = JSON.stringify(message);
    this.conn.checkPayload('message', payload);
    // As for channels: only a keyed delivery (safe to repeat) retries a timeout.
    const ack =
      idempotencyKey !== undefined
        ? await retryTransient(
            () =>
              this.conn.publisher.publish(subject, payload, { msgID: `${message.recipientGuid}:${idempotencyKey}` }),
            this.conn.retry,
          )
        : await retryUndelivered(() => this.conn.publisher.publish(subject, payload), this.conn.retry);
    const stored: DirectMessage = { ...message, id: String(ack.seq) };
    this.conn.nc.publish(directNotice(message.recipientGuid), JSON.stringify(stored));
    return stored;
  }

  async unread(guid: string): Promise<number> {
    await this.open();
    const subject = inboxSubject(guid);
    const info = await retryTransient(
      () => this.conn.jsm.streams.info(INBOX_STREAM, { subjects_filter: subject }),
      this.conn.retry,
    );
    return info.state.subjects?.[subject] ?? 0;
  }

  take(guid: string, filter: InboxFilter): Promise<readonly DirectMessage[]> {
    return withinBudget(this.conn.retry, async () => {
      const waiting = await this.unread(guid);
      if (waiting === 0) return [];
      const { taken, junk } = await retryTransient(() => this.collect(guid, filter, waiting), this.conn.retry);
      // Deleting is what marks read; a delete whose answer was lost is found already done. Junk
      // (reported when found) is deleted too, or it would count as unread for ever.
      await Promise.all(
        [...taken, ...junk].map(({ seq }) =>
          retryTransient(() => this.conn.jsm.streams.deleteMessage(INBOX_STREAM, seq, false), this.conn.retry).catch(
            alreadyDeleted,
          ),
        ),
      );
      return taken.map(({ message }) => message);
    });
  }

  /** Unread messages above `after` and the newest unread id, reading (and deleting) nothing. */
  peek(guid: string, { after = 0, limit }: PeekWindow): Promise<InboxPeek> {
    return withinBudget(this.conn.retry, async () => {
      const newest = await this.newest(guid);
      if (newest <= after) return { messages: [], newest };
      const messages = await retryTransient(async () => {
        const consumer = await this.conn.orderedConsumer(INBOX_STREAM, {
          filter_subjects: inboxSubject(guid),
          deliver_policy: DeliverPolicy.StartSequence,
          opt_start_seq: after + 1,
        });
        const found: DirectMessage[] = [];
        const batch = await consumer.fetch({ max_messages: limit, expires: 5000 });
        for await (const m of batch) {
          if (m.seq > newest) break;
          const stored = this.decode(guid, m.subject, m.seq, m.data);
          if (stored) found.push({ ...stored, id: String(m.seq) });
          if (found.length >= limit || m.seq === newest || m.info.pending === 0) break;
        }
        return found;
      }, this.conn.retry);
      return { messages, newest };
    });
  }

  private async newest(guid: string): Promise<number> {
    await this.open();
    try {
      const last = await retryTransient(
        () => this.conn.jsm.streams.getMessage(INBOX_STREAM, { last_by_subj: inboxSubject(guid) }),
        this.conn.retry,
      );
      return last?.seq ?? 0;
    } catch (error) {
      if (error instanceof JetStreamApiError && error.code === NO_MESSAGE) return 0;
      throw error;
    }
  }

  /** The matching messages among the first `waiting` of the inbox, without marking any read. */
  private async collect(
    guid: string,
    filter: InboxFilter,
    waiting: number,
  ): Promise<{ taken: Array<{ seq: number; message: DirectMessage }>; junk: Array<{ seq: number }> }> {
    const consumer = await this.conn.orderedConsumer(INBOX_STREAM, {
      filter_subjects: inboxSubject(guid),
      deliver_policy: DeliverPolicy.All,
    });
    const batch = await consumer.fetch({ max_messages: waiting, expires: 5000 });
    const taken: Array<{ seq: number; message: DirectMessage }> = [];
    const junk: Array<{ seq: number }> = [];
    let seen = 0;
    for await (const m of batch) {
      const stored = this.decode(guid, m.subject, m.seq, m.data);
      if (!stored) junk.push({ seq: m.seq });
      const matches =
        stored !== undefined &&
        (filter.messageType === undefined || stored.messageType === filter.messageType) &&
        (filter.senderGuid === undefined || stored.senderGuid === filter.senderGuid);
      if (matches) taken.push({ seq: m.seq, message: { ...stored, id: String(m.seq) } });
      if (taken.length >= filter.limit || ++seen >= waiting || m.info.pending === 0) break;
    }
    return { taken, junk };
  }

  /** A message for `guid`, or undefined (reported) when the bytes are not one. */
  private decode(guid: string, subject: string, sequence: number, data: Uint8Array): NewDirectMessage | undefined {
    const origin = { source: INBOX_STREAM, subject, sequence };
    const message = this.decoder.decode(storedDirectMessageSchema, data, origin);
    if (!message || message.recipientGuid === guid) return message;
    this.decoder.reject(origin, `a message for ${message.recipientGuid} found in the inbox of ${guid}`);
    return undefined;
  }
}

const NO_MESSAGE = 10037;

function alreadyDeleted(error: unknown): void {
  if (!(error instanceof JetStreamApiError && error.code === NO_MESSAGE)) throw error;
}
