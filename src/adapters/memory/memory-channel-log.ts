import type { ChannelMessage, Retention } from '../../domain/index.js';
import type {
  ChannelLog,
  ChannelPage,
  ChannelPosition,
  Clock,
  NewChannelMessage,
  ReadWindow,
} from '../../ports/index.js';
import type { MemoryNotices } from './memory-notices.js';

interface Log {
  retention: Retention;
  messages: ChannelMessage[];
  last: number;
  keys: Map<string, ChannelMessage>;
}

/** Channel logs in process memory, with the JetStream adapter's semantics. */
export class MemoryChannelLog implements ChannelLog {
  private readonly logs = new Map<string, Log>();

  constructor(
    private readonly clock: Clock,
    private readonly notices: MemoryNotices,
  ) {}

  async ensure(namespace: string, channel: string, _description: string, retention: Retention): Promise<void> {
    const log = this.logs.get(`${namespace}/${channel}`);
    if (log) log.retention = retention;
    else this.logs.set(`${namespace}/${channel}`, { retention, messages: [], last: 0, keys: new Map() });
  }

  async reserved(namespace: string): Promise<Readonly<Record<string, number>>> {
    const prefix = `${namespace}/`;
    return Object.fromEntries(
      [...this.logs]
        .filter(([key]) => key.startsWith(prefix))
        .map(([key, log]) => [key.slice(prefix.length), log.retention.maxBytes ?? 0]),
    );
  }

  private log(namespace: string, channel: string): Log {
    const log = this.logs.get(`${namespace}/${channel}`);
    if (!log) throw new Error(`No log for channel ${channel}; ensure it first`);
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
    this.notices.emit({ kind: 'channel', namespace, message: stored });
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
}
