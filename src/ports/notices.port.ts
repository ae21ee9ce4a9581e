import type { ChannelMessage } from '../domain/index.js';
import type { Subscription } from './event-store.port.js';
import type { DirectMessage } from './inbox.port.js';

/** Something new was stored: a channel message, or a direct message to the watcher. */
export type Notice =
  | { readonly kind: 'channel'; readonly namespace: string; readonly message: ChannelMessage }
  | { readonly kind: 'direct'; readonly message: DirectMessage };

/**
 * Live hints of what the channel logs and inboxes just stored. Best effort: a watcher that
 * was away reads the logs and inboxes, which remain the truth.
 *
 * @example
 *   const sub = await notices.watch('proj', myGuid, (n) => n.kind === 'direct' && wake());
 *   await sub.close();
 */
export interface Notices {
  /** New channel messages in `namespace` and direct messages to `guid` (none when it is undefined). */
  watch(namespace: string, guid: string | undefined, listener: (notice: Notice) => void): Promise<Subscription>;
}
