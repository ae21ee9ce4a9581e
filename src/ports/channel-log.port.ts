import type { ChannelMessage, Retention } from '../domain/index.js';

export type NewChannelMessage = Omit<ChannelMessage, 'id'>;

export interface ChannelPosition {
  /** Sequence of the oldest retained message (0 when empty). */
  readonly first: number;
  /** Sequence of the newest message (0 when none was ever posted). */
  readonly last: number;
}

/** A page of a channel and the channel's position it was cut from. */
export interface ChannelPage {
  readonly messages: readonly ChannelMessage[];
  readonly position: ChannelPosition;
}

export interface ReadWindow {
  readonly limit: number;
  /** Only messages with a sequence below this one. */
  readonly before?: number;
  /** Only messages with a sequence above this one. */
  readonly after?: number;
}

/**
 * Channel logs: ordered, retained (per channel), addressable by sequence.
 * A channel message id is its decimal sequence in that channel.
 *
 * @example
 *   await channelLog.ensure('proj', 'roadmap', 'plans', { maxMessages: 1000, maxBytes: 65_536 });
 *   await channelLog.reserved('proj'); // { roadmap: 65536 }
 *   const sent = await channelLog.publish('proj', msg, 'retry-key-1');
 *   const { messages } = await channelLog.read('proj', 'roadmap', { limit: 50 }); // newest 50, oldest first
 */
export interface ChannelLog {
  /** Creates the channel's log or applies changed retention to it. */
  ensure(namespace: string, channel: string, description: string, retention: Retention): Promise<void>;
  /**
   * The byte limit of each of the project's channel logs that exists, by channel: what it holds back
   * of the server's storage (0 for a log without one).
   */
  reserved(namespace: string): Promise<Readonly<Record<string, number>>>;
  /** With an idempotency key, sending the same message again stores it once. */
  publish(namespace: string, message: NewChannelMessage, idempotencyKey?: string): Promise<ChannelMessage>;
  /** Costs O(limit): oldest first, the newest `limit` within the window (or the oldest after `after`). */
  read(namespace: string, channel: string, window: ReadWindow): Promise<ChannelPage>;
  position(namespace: string, channel: string): Promise<ChannelPosition>;
}
