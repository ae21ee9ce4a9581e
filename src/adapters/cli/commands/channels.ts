import type { MessageView } from '../../../application/channels/message-view.js';
import type { ReadMessagesInput } from '../../../application/channels/read-messages.js';
import { PAGE } from '../../../domain/index.js';
import { createChannelTool } from '../../mcp/tools/create-channel.tool.js';
import { listChannelsTool } from '../../mcp/tools/list-channels.tool.js';
import { readMessagesTool } from '../../mcp/tools/read-messages.tool.js';
import { sendMessageTool } from '../../mcp/tools/send-message.tool.js';
import { callTool, checkWithTool, intOption } from '../cli-input.js';
import { emit, group, stringOption, type CliContext, type Command } from '../command.js';
import { UsageError } from '../exit-codes.js';
import { parseDuration } from '../../config/index.js';

/** The tool turns maxAge into ms as it runs; checked here first so a bad one is a usage error too. */
function durationOption(text: string): void {
  try {
    parseDuration(text);
  } catch {
    throw new UsageError(`invalid --max-age ${JSON.stringify(text)}: expected a duration like 7d, 12h, 30m or 45s`);
  }
}

const line = (m: MessageView): string => `#${m.channel} [${m.id}] ${m.timestamp} ${m.senderHandle}: ${m.body}`;

export const send: Command = {
  name: 'send',
  usage: 'warp send <channel> <message...> [--reply-to ID] [--key KEY]',
  summary: 'post a message to a channel',
  arguments: [
    { name: 'channel', help: 'channel name (see `warp channels`)' },
    { name: 'message', help: 'the text; the remaining words are joined with spaces', variadic: true },
  ],
  options: {
    'reply-to': { type: 'string', value: 'ID', help: 'id of the message this answers' },
    key: { type: 'string', value: 'KEY', help: 'idempotency key: a retried send with the same key is stored once' },
  },
  details: [
    'Mention an agent with @handle to notify it. Start a message with "-" after `--`: warp send ops -- -1 failed',
  ],
  async run(ctx, args) {
    const [channel, ...words] = args.positionals;
    const result = await callTool(
      ctx,
      sendMessageTool,
      {
        channel,
        message: words.join(' '),
        replyTo: stringOption(args, 'reply-to'),
        idempotencyKey: stringOption(args, 'key'),
      },
      { channel: '<channel>', message: '<message>', replyTo: '--reply-to', idempotencyKey: '--key' },
    );
    emit(ctx, result, () => [line(result.message)]);
    return result;
  },
};

/** Resolves when the signal aborts (Ctrl-C, a closed stdout). */
const aborted = (signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });

/**
 * Prints the channel, then every new message as the live notice of its arrival comes in,
 * until Ctrl-C. Messages are not filtered by sender: another `warp send` with the same
 * handle is still news here.
 */
async function follow(ctx: CliContext, first: ReadMessagesInput): Promise<void> {
  let pending = true;
  let wake: () => void = () => undefined;
  // Subscribed before the first read, so nothing sent in between is missed.
  const updates = await ctx.app.watchUpdates((update) => {
    if (update.kind !== 'channel' || update.channel !== first.channel) return;
    pending = true;
    wake();
  });
  const stopped = aborted(ctx.signal);
  try {
    let cursor: string | undefined;
    while (!ctx.signal.aborted) {
      if (!pending) {
        await Promise.race([new Promise<void>((resolve) => (wake = resolve)), stopped]);
        continue;
      }
      pending = false;
      // An empty channel is followed from its start: whatever arrives is new.
      const page = await ctx.app.readMessages(
        cursor === undefined ? first : { channel: first.channel, after: cursor, limit: PAGE.messages.max },
      );
      for (const m of page.messages) emit(ctx, m, () => [line(m)]);
      cursor = page.messages.at(-1)?.id ?? cursor ?? first.after ?? '0';
      if (page.hasMore && page.messages.length > 0) pending = true;
    }
  } finally {
    await updates.close();
  }
}

export const read: Command = {
  name: 'read',
  usage: 'warp read <channel> [--limit N] [--before ID | --after ID] [--follow]',
  summary: 'print channel messages oldest first; --follow tails it live',
  arguments: [{ name: 'channel', help: 'channel name (see `warp channels`)' }],
  options: {
    limit: {
      type: 'string',
      value: 'N',
      help: `how many messages, ${PAGE.messages.min}-${PAGE.messages.max} (default ${PAGE.messages.default}, the newest)`,
    },
    before: { type: 'string', value: 'ID', help: 'only messages older than this message id' },
    after: { type: 'string', value: 'ID', help: 'only messages newer than this id ("0": from the start)' },
    follow: { type: 'boolean', short: 'f', help: 'keep printing new messages as they arrive, until Ctrl-C' },
  },
  async run(ctx, args) {
    const [channel] = args.positionals;
    const input = checkWithTool(
      readMessagesTool,
      {
        channel,
        limit: intOption(args, 'limit'),
        before: stringOption(args, 'before'),
        after: stringOption(args, 'after'),
      },
      { channel: '<channel>', limit: '--limit', before: '--before', after: '--after' },
    );
    if (args.options['follow']) {
      if (input.before !== undefined) throw new UsageError('--follow prints what comes after; it cannot take --before');
      await follow(ctx, input);
      return undefined;
    }
    const page = await readMessagesTool.run(ctx.app, input);
    emit(ctx, page, () => (page.messages.length ? page.messages.map(line) : [`#${page.channel}: no messages`]));
    return page;
  },
};

export const channels: Command = {
  name: 'channels',
  usage: 'warp channels',
  summary: 'list channels with message counts',
  arguments: [],
  options: {},
  async run(ctx) {
    const result = await callTool(ctx, listChannelsTool, {}, {});
    emit(ctx, result, () =>
      result.channels.length
        ? result.channels.map((c) => `#${c.name}  ${c.messageCount} messages  ${c.description}`)
        : ['no channels; create one with `warp channel create <name>`'],
    );
    return result;
  },
};

const create: Command = {
  name: 'create',
  usage: 'warp channel create <name> [--description TEXT] [--max-messages N] [--max-age AGE]',
  summary: 'create a channel in this project (same settings again: no change)',
  arguments: [{ name: 'name', help: '1-64 lowercase letters, digits or dashes, e.g. "release-42"' }],
  options: {
    description: { type: 'string', value: 'TEXT', help: 'what the channel is for' },
    'max-messages': { type: 'string', value: 'N', help: 'keep at most N messages (oldest dropped first)' },
    'max-age': { type: 'string', value: 'AGE', help: 'drop messages older than this: 7d, 12h, 30m, 45s' },
  },
  details: ['Channels listed in .loom-config.json are created when an agent starts; this adds one at run time.'],
  async run(ctx, args) {
    const [name] = args.positionals;
    const maxAge = stringOption(args, 'max-age');
    if (maxAge !== undefined) durationOption(maxAge);
    const result = await callTool(
      ctx,
      createChannelTool,
      {
        name,
        description: stringOption(args, 'description'),
        maxMessages: intOption(args, 'max-messages'),
        maxAge,
      },
      { name: '<name>', description: '--description', maxMessages: '--max-messages', maxAge: '--max-age' },
    );
    emit(ctx, result, () => [`${result.created ? 'created' : 'already exists:'} #${result.channel.name}`]);
    return result;
  },
};

export const channel = group('channel', 'create channels', [create]);
