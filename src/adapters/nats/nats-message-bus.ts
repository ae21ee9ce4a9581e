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
import { NatsChannelLog } from './nats-channel-log.js';
import type { NatsBackendConnection } from './nats-connection.js';
import { NatsInbox } from './nats-inbox.js';
import { assertToken, directNotice } from './nats-names.js';

/** Channels and inboxes on JetStream; live notices are core-NATS hints published after each store. */
export class NatsMessageBus implements MessageBus {
  private readonly channels: NatsChannelLog;
  private readonly inbox: NatsInbox;

  constructor(
    private readonly conn: NatsBackendConnection,
    replicas: number,
  ) {
    this.channels = new NatsChannelLog(conn, replicas);
    this.inbox = new NatsInbox(conn, replicas);
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

  async watch(ns: string, guid: string | undefined, listener: (notice: BusNotice) => void): Promise<Subscription> {
    const subs = [
      this.conn.nc.subscribe(`warp.notify.${assertToken(ns)}.ch.*`, {
        callback: (error, m) => {
          // Republished by the channel's stream: the stored message, its sequence in a header.
          const sequence = m.headers?.get('Nats-Sequence');
          if (!error && sequence)
            listener({ kind: 'channel', namespace: ns, message: { ...m.json<NewChannelMessage>(), id: sequence } });
        },
      }),
    ];
    if (guid) {
      subs.push(
        this.conn.nc.subscribe(directNotice(guid), {
          callback: (error, m) => {
            if (!error) listener({ kind: 'direct', message: m.json<DirectMessage>() });
          },
        }),
      );
    }
    // Makes sure the server has the interest before callers rely on it.
    await this.conn.nc.flush();
    return { close: async () => subs.forEach((s) => s.unsubscribe()) };
  }
}
