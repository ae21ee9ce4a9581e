import { checkCapability, checkId, checkInRange, PAGE } from '../../domain/index.js';
import type { AppDeps } from '../shared/deps.js';
import { requireGuid } from '../shared/require.js';
import { directView, type DirectMessageView } from './send-direct-message.js';

export interface ReadDirectMessagesInput {
  readonly limit?: number;
  readonly messageType?: string;
  readonly senderGuid?: string;
}

/** Returns unread messages oldest first and marks exactly those read; non-matching ones stay unread. */
export async function readDirectMessages(
  deps: AppDeps,
  input: ReadDirectMessagesInput,
): Promise<{ messages: DirectMessageView[]; remaining: number }> {
  const guid = requireGuid(deps.session, 'read your inbox');
  const limit = checkInRange('limit', input.limit, PAGE.directMessages);
  const messageType = input.messageType !== undefined ? checkCapability('messageType', input.messageType) : undefined;
  const senderGuid = input.senderGuid !== undefined ? checkId('senderGuid', input.senderGuid) : undefined;
  const messages = await deps.inbox.take(guid, {
    limit,
    ...(messageType ? { messageType } : {}),
    ...(senderGuid ? { senderGuid } : {}),
  });
  return { messages: messages.map(directView), remaining: await deps.inbox.unread(guid) };
}
