import { z } from 'zod';
import type { WarpApi } from '../../application/index.js';
import { PAGE } from '../../domain/index.js';
import { Refused } from './request-guard.js';

/** The handle the dashboard posts and sends direct messages as. */
export const OPERATOR_HANDLE = 'operator';

const Text = z.object({ message: z.string() });
const Retry = z.object({ resetAttempts: z.boolean().optional() });
const Empty = z.object({});

type Action = (app: WarpApi, target: string, body: unknown) => Promise<unknown>;

const parse = <T>(schema: z.ZodType<T>, body: unknown): T => {
  const result = schema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Refused(400, `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
};

/** Reads a channel up to its newest message, so its unread count for the operator drops to zero. */
async function markRead(app: WarpApi, channel: string): Promise<{ channel: string; unread: number }> {
  // Each page is at most PAGE.messages.max messages; the bound keeps one click from reading forever on a busy channel.
  for (let page = 0; page < 100; page++) {
    const result = await app.readMessages({ channel, unreadOnly: true, limit: PAGE.messages.max });
    if (!result.hasMore) return { channel, unread: result.unread ?? 0 };
  }
  return { channel, unread: (await app.listChannels()).channels.find((c) => c.name === channel)?.unread ?? 0 };
}

/**
 * Actions on a target: POST /api/<collection>/<target>/<verb>. Targets (channel names, guids, item ids) are checked by
 * the use cases with the same rules as the tools before they reach a subject.
 */
const ACTIONS: Readonly<Record<string, Action>> = {
  'channels/messages': (app, channel, body) => app.sendMessage({ channel, message: parse(Text, body).message }),
  'channels/read': (app, channel, body) => {
    parse(Empty, body);
    return markRead(app, channel);
  },
  'agents/messages': (app, recipientGuid, body) =>
    app.sendDirectMessage({ recipientGuid, message: parse(Text, body).message }),
  'dead-letters/retry': (app, itemId, body) =>
    app.retryDeadLetterItem({ itemId, resetAttempts: parse(Retry, body).resetAttempts ?? false }),
  'dead-letters/discard': (app, itemId, body) => {
    parse(Empty, body);
    return app.discardDeadLetterItem({ itemId });
  },
};

/** Actions on the operator itself: POST /api/<collection>/<verb>. */
const OWN_ACTIONS: Readonly<Record<string, (app: WarpApi, body: unknown) => Promise<unknown>>> = {
  // Reading takes the messages out of the inbox (as read_direct_messages does): the page keeps them on screen.
  'inbox/read': (app, body) => {
    parse(Empty, body);
    return app.readDirectMessages({ limit: PAGE.directMessages.max });
  },
};

const ACTION_PATH = /^\/api\/([a-z-]+)\/([^/]{1,256})\/([a-z]+)$/;

export function findAction(pathname: string): ((app: WarpApi, body: unknown) => Promise<unknown>) | undefined {
  const own = OWN_ACTIONS[pathname.replace(/^\/api\//, '')];
  if (own && pathname.startsWith('/api/')) return own;
  const match = ACTION_PATH.exec(pathname);
  if (!match) return undefined;
  const [, collection, rawTarget, verb] = match as unknown as [string, string, string, string];
  const action = ACTIONS[`${collection}/${verb}`];
  if (!action) return undefined;
  let target: string;
  try {
    target = decodeURIComponent(rawTarget);
  } catch {
    throw new Refused(400, 'the address is not valid percent-encoding');
  }
  return (app, body) => action(app, target, body);
}
