import type { Notice, Notices, Subscription } from '../../ports/index.js';

/** Live notices in process memory; the memory channel log and inbox announce what they store here. */
export class MemoryNotices implements Notices {
  private readonly listeners = new Set<(notice: Notice) => void>();

  async watch(namespace: string, guid: string | undefined, listener: (notice: Notice) => void): Promise<Subscription> {
    const filtered = (notice: Notice): void => {
      if (notice.kind === 'channel' ? notice.namespace === namespace : notice.message.recipientGuid === guid)
        listener(notice);
    };
    this.listeners.add(filtered);
    return { close: async () => void this.listeners.delete(filtered) };
  }

  /** Delivered after the current call returns, as a notice from NATS arrives after the store's ack. */
  emit(notice: Notice): void {
    queueMicrotask(() => {
      for (const listener of this.listeners) listener(notice);
    });
  }
}
