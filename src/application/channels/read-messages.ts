import { checkInRange, checkName, PAGE, requireOpenChannel, type ChannelMessage } from '../../domain/index.js';
import type { AppDeps } from '../shared/deps.js';
import { withinBudget } from '../shared/page-budget.js';
import { byteLength, requireGuid } from '../shared/require.js';
import { messageView, parseMessageId, type MessageView } from './message-view.js';

export interface ReadMessagesInput {
  readonly channel: string;
  readonly limit?: number;
  readonly before?: string;
  readonly after?: string;
  readonly unreadOnly?: boolean;
  /** false reads without moving the read cursor (a dashboard showing a channel is not the operator reading it). */
  readonly markRead?: boolean;
}

export interface ReadMessagesOutput {
  readonly channel: string;
  readonly messages: readonly MessageView[];
  /** More messages exist beyond this page in the direction read. */
  readonly hasMore: boolean;
  readonly unread?: number;
}

export async function readMessages(deps: AppDeps, input: ReadMessagesInput): Promise<ReadMessagesOutput> {
  const { session, channelLog, cursors } = deps;
  const channel = checkName('channel', input.channel);
  requireOpenChannel(channel, deps.channels.get(channel)?.state);
  const limit = checkInRange('limit', input.limit, PAGE.messages);
  const before = input.before !== undefined ? parseMessageId('before', input.before) : undefined;
  // after "0": from the start of the channel (ids begin at 1).
  let after = input.after === '0' ? 0 : input.after !== undefined ? parseMessageId('after', input.after) : undefined;
  const guid = input.unreadOnly ? requireGuid(session, 'read unread messages') : session.guid;
  const cursorRead = guid ? cursors.get(session.namespace, guid, channel) : Promise.resolve(0);
  // An unread read starts at the cursor; other reads fetch the page and the cursor side by side.
  if (input.unreadOnly) after = Math.max(after ?? 0, await cursorRead);
  const [{ messages: page, position }, cursor] = await Promise.all([
    channelLog.read(session.namespace, channel, {
      limit,
      ...(before !== undefined ? { before } : {}),
      ...(after !== undefined ? { after } : {}),
    }),
    cursorRead,
  ]);
  // Forwards keeps the oldest of the page, backwards the newest; hasMore leads to the rest.
  const bodySize = (m: ChannelMessage): number => byteLength(m.body);
  const messages =
    after !== undefined ? withinBudget(page, bodySize) : [...withinBudget([...page].reverse(), bodySize)].reverse();
  const firstSeq = messages.length ? Number(messages[0]!.id) : undefined;
  const lastSeq = messages.length ? Number(messages[messages.length - 1]!.id) : undefined;
  let readUpTo = cursor;
  // The cursor moves only when this page continues from it, so no unread message is skipped.
  if (
    guid &&
    input.markRead !== false &&
    lastSeq !== undefined &&
    firstSeq !== undefined &&
    firstSeq <= Math.max(cursor, position.first - 1) + 1 &&
    lastSeq > cursor
  ) {
    await cursors.advance(session.namespace, guid, channel, lastSeq);
    readUpTo = lastSeq;
  }
  const hasMore =
    after !== undefined
      ? (lastSeq ?? after) < Math.min(position.last, before !== undefined ? before - 1 : position.last)
      : firstSeq !== undefined && firstSeq > position.first;
  return {
    channel,
    messages: messages.map(messageView),
    hasMore,
    ...(guid ? { unread: Math.max(0, position.last - Math.max(readUpTo, position.first - 1)) } : {}),
  };
}
