import { ValidationError, type ChannelMessage } from '../../domain/index.js';
import type { IdGenerator } from '../../ports/index.js';

export interface MessageView {
  readonly id: string;
  readonly channel: string;
  readonly senderHandle: string;
  readonly senderGuid?: string;
  readonly timestamp: string;
  readonly body: string;
  readonly replyTo?: string;
}

export const messageView = (m: ChannelMessage): MessageView => ({
  ...m,
  timestamp: new Date(m.timestamp).toISOString(),
});

const MESSAGE_ID = /^[1-9][0-9]{0,15}$/;

/** Channel message ids are their sequence in the channel, as decimal text. */
export function parseMessageId(field: string, id: string): number {
  if (!MESSAGE_ID.test(id))
    throw new ValidationError(
      field,
      `${JSON.stringify(id.slice(0, 40))} is not a message id; pass the id of a message returned by read_messages`,
    );
  return Number(id);
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

export function checkIdempotencyKey(key: string | undefined): string | undefined {
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    throw new ValidationError('idempotencyKey', 'use 1-128 letters, digits, ".", "_", ":" or "-"');
  }
  return key;
}

/**
 * An idempotency key is its sender's: logs and inboxes store under the key made the sender's, so
 * a retry by the same agent stores once and the same key from another never meets it (ADR 0006).
 * The sender is the agent's guid when registered, else its handle (tagged, so a handle shaped like
 * a guid is not that agent); both survive a restart of the agent, as a retry may.
 */
export function sendersKey(
  ids: IdGenerator,
  sender: { readonly senderGuid?: string; readonly senderHandle: string },
  key: string | undefined,
): string | undefined {
  if (key === undefined) return undefined;
  return sender.senderGuid !== undefined
    ? ids.stableId('idempotency-key', 'guid', sender.senderGuid, key)
    : ids.stableId('idempotency-key', 'handle', sender.senderHandle, key);
}
