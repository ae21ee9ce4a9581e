import type { DirectMessage, Inbox, InboxFilter, InboxPeek, NewDirectMessage, PeekWindow } from '../../ports/index.js';
import type { MemoryNotices } from './memory-notices.js';

/** Inboxes in process memory, with the JetStream adapter's semantics. */
export class MemoryInbox implements Inbox {
  private readonly inboxes = new Map<string, DirectMessage[]>();
  private readonly delivered = new Map<string, DirectMessage>();
  private nextDirectId = 1;

  constructor(private readonly notices: MemoryNotices) {}

  async open(guid: string): Promise<void> {
    if (!this.inboxes.has(guid)) this.inboxes.set(guid, []);
  }

  async deliver(message: NewDirectMessage, idempotencyKey?: string): Promise<DirectMessage> {
    const dedupe = idempotencyKey !== undefined ? `${message.recipientGuid}#${idempotencyKey}` : undefined;
    const earlier = dedupe !== undefined ? this.delivered.get(dedupe) : undefined;
    if (earlier) return earlier;
    const stored: DirectMessage = { ...structuredClone(message), id: String(this.nextDirectId++) };
    await this.open(message.recipientGuid);
    this.inboxes.get(message.recipientGuid)!.push(stored);
    if (dedupe !== undefined) this.delivered.set(dedupe, stored);
    this.notices.emit({ kind: 'direct', message: stored });
    return stored;
  }

  async take(guid: string, filter: InboxFilter): Promise<readonly DirectMessage[]> {
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

  async unread(guid: string): Promise<number> {
    return this.inboxes.get(guid)?.length ?? 0;
  }

  async peek(guid: string, window: PeekWindow): Promise<InboxPeek> {
    const inbox = this.inboxes.get(guid) ?? [];
    return {
      messages: inbox.filter((m) => Number(m.id) > (window.after ?? 0)).slice(0, window.limit),
      newest: inbox.length ? Number(inbox[inbox.length - 1]!.id) : 0,
    };
  }
}
