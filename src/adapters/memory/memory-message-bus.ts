import type { ChannelMessage, Retention } from '../../domain/index.js';
import type {
  BusNotice,
  ChannelPage,
  ChannelPosition,
  Clock,
  DirectMessage,
  InboxFilter,
  InboxPeek,
  MessageBus,
  NewChannelMessage,
  NewDirectMessage,
  ReadWindow,
  Subscription,
} from '../../ports/index.js';

interface Log {
  retention: Retention;
  messages: ChannelMessage[];
  last: number;
  keys: Map<string, ChannelMessage>;
}

/** Channels, inboxes and live notices in process memory, with the JetStream adapter's semantics. */
export class MemoryMessageBus implements MessageBus {
  private readonly logs = new Map<string, Log>();
  private readonly inboxes = new Map<string, DirectMessage[]>();
  private readonly delivered = new Map<string, DirectMessage>();
  private readonly listeners = new Set<(notice: BusNotice) => void>();
  private nextDirectId = 1;

  constructor(private readonly clock: Clock) {}

  async ensureChannel(namespace: string, channel: string, _description: string, retention: Retention): Promise<void> {
    const log = this.logs.get(`${namespace}/${channel}`);
    if (log) log.retention = retention;
    else this.logs.set(`${namespace}/${channel}`, { retention, messages: [], last: 0, keys: new Map() });
  }

  private log(namespace: string, channel: string): Log {
    const log = this.logs.get(`${namespace}/${channel}`);
    if (!log) throw new Error(`No log for channel ${channel}; ensureChannel first`);
    this.enforce(log);
    return log;
  }

  /** Drops what retention no longer allows, oldest first. */
  private enforce(log: Log): void {
    const { maxMessages, maxAgeMs, maxBytes } = log.retention;
    const now = this.clock.now();
    if (maxAgeMs !== undefined) log.messages = log.messages.filter((m) => now - m.timestamp < maxAgeMs);
    if (maxMessages !== undefined && log.messages.length > maxMessages) log.messages = log.messages.slice(-maxMessages);
    if (maxBytes !== undefined) {
      let total = log.messages.reduce((sum, m) => sum + m.body.length, 0);
      while (total > maxBytes && log.messages.length > 0) total -= log.messages.shift()!.body.length;
    }
  }

  async publish(namespace: string, message: NewChannelMessage, idempotencyKey?: string): Promise<ChannelMessage> {
    const log = this.log(namespace, message.channel);
    const earlier = idempotencyKey !== undefined ? log.keys.get(idempotencyKey) : undefined;
    if (earlier) return earlier;
    const stored: ChannelMessage = { ...structuredClone(message), id: String(++log.last) };
    log.messages.push(stored);
    if (idempotencyKey !== undefined) log.keys.set(idempotencyKey, stored);
    this.enforce(log);
    this.emit({ kind: 'channel', namespace, message: stored });
    return stored;
  }

  async read(namespace: string, channel: string, window: ReadWindow): Promise<ChannelPage> {
    const inWindow = this.log(namespace, channel).messages.filter((m) => {
      const seq = Number(m.id);
      return (window.after === undefined || seq > window.after) && (window.before === undefined || seq < window.before);
    });
    const messages = window.after !== undefined ? inWindow.slice(0, window.limit) : inWindow.slice(-window.limit);
    return { messages, position: await this.position(namespace, channel) };
  }

  async position(namespace: string, channel: string): Promise<ChannelPosition> {
    const log = this.log(namespace, channel);
    return { first: log.messages.length ? Number(log.messages[0]!.id) : 0, last: log.last };
  }

  async openInbox(guid: string): Promise<void> {
    if (!this.inboxes.has(guid)) this.inboxes.set(guid, []);
  }

  async deliver(message: NewDirectMessage, idempotencyKey?: string): Promise<DirectMessage> {
    const dedupe = idempotencyKey !== undefined ? `${message.recipientGuid}#${idempotencyKey}` : undefined;
    const earlier = dedupe !== undefined ? this.delivered.get(dedupe) : undefined;
    if (earlier) return earlier;
    const stored: DirectMessage = { ...structuredClone(message), id: String(this.nextDirectId++) };
    await this.openInbox(message.recipientGuid);
    this.inboxes.get(message.recipientGuid)!.push(stored);
    if (dedupe !== undefined) this.delivered.set(dedupe, stored);
    this.emit({ kind: 'direct', message: stored });
    return stored;
  }

  async takeInbox(guid: string, filter: InboxFilter): Promise<readonly DirectMessage[]> {
    const inbox = this.inboxes.get(guid) ?? [];
    const taken = inbox
      .filter(
        (m) =>
          (filter.messageType === undefined || m.messageType === filter.messageType) &&
          (filter.senderGuid === undefined || m.senderGuid === filter.senderGuid),
      )
      .slice(0, filter.limit);
    this.inboxes.set(
      guid,
      inbox.filter((m) => !taken.includes(m)),
    );
    return taken;
  }

  async unreadInbox(guid: string): Promise<number> {
    return this.inboxes.get(guid)?.length ?? 0;
  }

  async peekInbox(guid: string, window: { readonly after?: number; readonly limit: number }): Promise<InboxPeek> {
    const inbox = this.inboxes.get(guid) ?? [];
    return {
      messages: inbox.filter((m) => Number(m.id) > (window.after ?? 0)).slice(0, window.limit),
      newest: inbox.length ? Number(inbox[inbox.length - 1]!.id) : 0,
    };
  }

  async watch(
    namespace: string,
    guid: string | undefined,
    listener: (notice: BusNotice) => void,
  ): Promise<Subscription> {
    const filtered = (notice: BusNotice): void => {
      if (notice.kind === 'channel' ? notice.namespace === namespace : notice.message.recipientGuid === guid)
        listener(notice);
    };
    this.listeners.add(filtered);
    return { close: async () => void this.listeners.delete(filtered) };
  }

  private emit(notice: BusNotice): void {
    queueMicrotask(() => {
      for (const listener of this.listeners) listener(notice);
    });
  }
}
