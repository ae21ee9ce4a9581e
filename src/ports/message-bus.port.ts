import type { ChannelMessage, Retention } from '../domain/index.js';
import type { Subscription } from './event-store.port.js';

export type NewChannelMessage = Omit<ChannelMessage, 'id'>;

export interface DirectMessage {
  readonly id: string;
  readonly recipientGuid: string;
  readonly senderGuid: string;
  readonly senderHandle: string;
  readonly messageType: string;
  readonly body: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly timestamp: number;
}

export type NewDirectMessage = Omit<DirectMessage, 'id'>;

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

export interface InboxFilter {
  readonly limit: number;
  readonly messageType?: string;
  readonly senderGuid?: string;
}

/** Unread direct messages seen without marking them read. */
export interface InboxPeek {
  /** Unread messages with an id above `after`, oldest first, at most `limit`. */
  readonly messages: readonly DirectMessage[];
  /** Id of the newest unread message (0 when the inbox is empty); ids only grow. */
  readonly newest: number;
}

export type BusNotice =
  | { readonly kind: 'channel'; readonly namespace: string; readonly message: ChannelMessage }
  | { readonly kind: 'direct'; readonly message: DirectMessage };

/**
 * Channel logs (ordered, retained, addressable by sequence) and durable inboxes.
 * A channel message id is its decimal sequence in that channel.
 *
 * @example
 *   const sent = await bus.publish('proj', msg, 'retry-key-1');
 *   const { messages } = await bus.read('proj', 'roadmap', { limit: 50 }); // newest 50, oldest first
 */
export interface MessageBus {
  /** Creates the channel's log or applies changed retention to it. */
  ensureChannel(namespace: string, channel: string, description: string, retention: Retention): Promise<void>;
  publish(namespace: string, message: NewChannelMessage, idempotencyKey?: string): Promise<ChannelMessage>;
  /** Costs O(limit): oldest first, the newest `limit` within the window (or the oldest after `after`). */
  read(namespace: string, channel: string, window: ReadWindow): Promise<ChannelPage>;
  position(namespace: string, channel: string): Promise<ChannelPosition>;
  /** Makes sure the inbox exists so messages sent before its owner reads are kept. */
  openInbox(guid: string): Promise<void>;
  deliver(message: NewDirectMessage, idempotencyKey?: string): Promise<DirectMessage>;
  /** Returns matching unread messages oldest first and marks exactly those read; others stay unread. */
  takeInbox(guid: string, filter: InboxFilter): Promise<readonly DirectMessage[]>;
  unreadInbox(guid: string): Promise<number>;
  /** Unread messages without marking any read (a direct message id is a number that only grows). */
  peekInbox(guid: string, window: { readonly after?: number; readonly limit: number }): Promise<InboxPeek>;
  /** Live notices of new channel messages in `namespace` and direct messages to `guid`. */
  watch(namespace: string, guid: string | undefined, listener: (notice: BusNotice) => void): Promise<Subscription>;
}
