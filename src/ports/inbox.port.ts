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

export interface InboxFilter {
  readonly limit: number;
  readonly messageType?: string;
  readonly senderGuid?: string;
}

export interface PeekWindow {
  /** Only messages with an id above this one. */
  readonly after?: number;
  readonly limit: number;
}

/** Unread direct messages seen without marking them read. */
export interface InboxPeek {
  /** Unread messages with an id above `after`, oldest first, at most `limit`. */
  readonly messages: readonly DirectMessage[];
  /** Id of the newest unread message (0 when the inbox is empty); ids only grow. */
  readonly newest: number;
}

/**
 * Durable per-agent inboxes of direct messages; a message is unread until taken.
 * A direct message id is a number that only grows.
 *
 * @example
 *   await inbox.deliver({ recipientGuid: 'g-bob', ... }, 'retry-key-1');
 *   const taken = await inbox.take('g-bob', { limit: 10, messageType: 'review' }); // now read
 */
export interface Inbox {
  /** Makes sure the inbox exists so messages sent before its owner reads are kept. */
  open(guid: string): Promise<void>;
  /**
   * With an idempotency key, delivering the same message again stores it once.
   * The key is opaque here: the send use case makes it the sender's (`sendersKey`), so senders never share one.
   */
  deliver(message: NewDirectMessage, idempotencyKey?: string): Promise<DirectMessage>;
  /** Returns matching unread messages oldest first and marks exactly those read; others stay unread. */
  take(guid: string, filter: InboxFilter): Promise<readonly DirectMessage[]>;
  unread(guid: string): Promise<number>;
  /** Unread messages without marking any read. */
  peek(guid: string, window: PeekWindow): Promise<InboxPeek>;
}
