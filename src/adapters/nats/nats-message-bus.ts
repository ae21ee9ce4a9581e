import type { ChannelMessage, Retention } from '../../domain/index.js';
import type {
  BusNotice,
  ChannelPage,
  ChannelPosition,
  DirectMessage,
  InboxFilter,
  InboxPeek,
  MessageBus,
  NewChannelMessage,
  NewDirectMessage,
  ReadWindow,
  Subscription,
} from '../../ports/index.js';
import type { Msg } from '@nats-io/nats-core';
import { directMessageSchema } from './codecs/domain-schemas.js';
import type { StoredValueDecoder } from './codecs/stored-value-decoder.js';
import { NatsChannelLog } from './nats-channel-log.js';
import type { NatsBackendConnection } from './nats-connection.js';
import { NatsInbox } from './nats-inbox.js';
import { assertToken, directNotice } from './nats-names.js';

/** Reported as the source of a notice that does not decode. */
const NOTICES = 'warp.notify';
const SEQUENCE = /^[1-9][0-9]{0,15}$/;

/** Channels and inboxes on JetStream; live notices are core-NATS hints published after each store. */
export class NatsMessageBus implements MessageBus {
  private readonly channels: NatsChannelLog;
  private readonly inbox: NatsInbox;

  constructor(
    private readonly conn: NatsBackendConnection,
    replicas: number,
    private readonly decoder: StoredValueDecoder,
    private readonly onError: (error: unknown) => void,
  ) {
    this.channels = new NatsChannelLog(conn, replicas, decoder);
    this.inbox = new NatsInbox(conn, replicas, decoder);
  }

  ensureChannel(ns: string, channel: string, description: string, retention: Retention): Promise<void> {
    return this.channels.ensure(ns, channel, description, retention);
  }

  publish(ns: string, message: NewChannelMessage, idempotencyKey?: string): Promise<ChannelMessage> {
    return this.channels.publish(ns, message, idempotencyKey);
  }

  read(ns: string, channel: string, window: ReadWindow): Promise<ChannelPage> {
    return this.channels.read(ns, channel, window);
  }

  position(ns: string, channel: string): Promise<ChannelPosition> {
    return this.channels.position(ns, channel);
  }

  openInbox(): Promise<void> {
    return this.inbox.ensure();
  }

  deliver(message: NewDirectMessage, idempotencyKey?: string): Promise<DirectMessage> {
    return this.inbox.deliver(message, idempotencyKey);
  }

  takeInbox(guid: string, filter: InboxFilter): Promise<readonly DirectMessage[]> {
    return this.inbox.take(guid, filter);
  }

  unreadInbox(guid: string): Promise<number> {
    return this.inbox.unread(guid);
  }

  peekInbox(guid: string, window: { readonly after?: number; readonly limit: number }): Promise<InboxPeek> {
    return this.inbox.peek(guid, window.after ?? 0, window.limit);
  }

  /**
   * Anyone on the server can publish a notice, so each is decoded like a stored value, and the
   * callbacks never throw: an exception there would end the client's reader loop (and print to stdout).
   */
  async watch(ns: string, guid: string | undefined, listener: (notice: BusNotice) => void): Promise<Subscription> {
    const contained =
      (decode: (m: Msg) => BusNotice | undefined) =>
      (error: Error | null, m: Msg): void => {
        try {
          if (error) return this.onError(error);
          const notice = decode(m);
          if (notice) listener(notice);
        } catch (failure) {
          this.onError(failure);
        }
      };
    const subs = [
      this.conn.nc.subscribe(`warp.notify.${assertToken(ns)}.ch.*`, {
        callback: contained((m) => {
          const message = this.channelNotice(m);
          return message && { kind: 'channel', namespace: ns, message };
        }),
      }),
    ];
    if (guid) {
      subs.push(
        this.conn.nc.subscribe(directNotice(guid), {
          callback: contained((m) => {
            const message = this.decoder.decode(directMessageSchema, m.data, { source: NOTICES, subject: m.subject });
            if (!message || message.recipientGuid === guid) return message && { kind: 'direct', message };
            this.decoder.reject(
              { source: NOTICES, subject: m.subject },
              `a notice for ${message.recipientGuid}`,
              m.data,
            );
            return undefined;
          }),
        }),
      );
    }
    // Makes sure the server has the interest before callers rely on it.
    await this.conn.nc.flush();
    return { close: async () => subs.forEach((s) => s.unsubscribe()) };
  }

  /** Republished by the channel's stream: the stored message, its sequence in a header. */
  private channelNotice(m: Msg): ChannelMessage | undefined {
    const sequence = m.headers?.get('Nats-Sequence') ?? '';
    if (!SEQUENCE.test(sequence)) {
      this.decoder.reject({ source: NOTICES, subject: m.subject }, 'no valid Nats-Sequence header', m.data);
      return undefined;
    }
    const channel = m.subject.split('.').pop() ?? '';
    return this.channels.decode({ source: NOTICES, subject: m.subject, sequence: Number(sequence) }, channel, m.data);
  }
}
