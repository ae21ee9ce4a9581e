import type { MessageView } from '../../../application/channels/message-view.js';
import { UsageError } from '../exit-codes.js';
import { emit, intOption, stringOption, type CliContext, type Command, type ParsedArgs } from '../command.js';

const line = (m: MessageView): string => `#${m.channel} [${m.id}] ${m.timestamp} ${m.senderHandle}: ${m.body}`;

export const send: Command = {
  name: 'send',
  usage: 'warp send <channel> <message> [--reply-to <id>] [--key <idempotency-key>]',
  summary: 'post a message to a channel',
  async run(ctx, { positionals, ...args }) {
    const [channel, ...words] = positionals;
    if (!channel || words.length === 0) throw new UsageError(this.usage);
    const replyTo = stringOption({ positionals, ...args }, 'reply-to');
    const key = stringOption({ positionals, ...args }, 'key');
    const result = await ctx.app.sendMessage({
      channel,
      message: words.join(' '),
      ...(replyTo ? { replyTo } : {}),
      ...(key ? { idempotencyKey: key } : {}),
    });
    emit(ctx, result, () => [line(result.message)]);
    return result;
  },
};

async function follow(ctx: CliContext, channel: string, after: string | undefined): Promise<void> {
  let cursor = after;
  while (!ctx.signal.aborted) {
    const page = await ctx.app.readMessages({ channel, limit: 1000, ...(cursor ? { after: cursor } : {}) });
    for (const m of page.messages) emit(ctx, m, () => [line(m)]);
    cursor = page.messages.at(-1)?.id ?? cursor;
    if (page.hasMore) continue;
    await ctx.app
      .waitForMessages({ channels: [channel], includeDirect: false, timeoutMs: 20_000 })
      .catch(() => undefined);
  }
}

export const read: Command = {
  name: 'read',
  usage: 'warp read <channel> [--limit N] [--before <id>] [--after <id>] [--follow]',
  summary: 'print channel messages oldest first; --follow tails it live',
  async run(ctx, args: ParsedArgs) {
    const [channel] = args.positionals;
    if (!channel) throw new UsageError(this.usage);
    const before = stringOption(args, 'before');
    const after = stringOption(args, 'after');
    const limit = intOption(args, 'limit');
    const page = await ctx.app.readMessages({
      channel,
      ...(limit ? { limit } : {}),
      ...(before ? { before } : {}),
      ...(after ? { after } : {}),
    });
    if (args.options['follow']) {
      for (const m of page.messages) emit(ctx, m, () => [line(m)]);
      await follow(ctx, channel, page.messages.at(-1)?.id ?? after);
      return page;
    }
    emit(ctx, page, () => (page.messages.length ? page.messages.map(line) : [`#${channel}: no messages`]));
    return page;
  },
};

export const channels: Command = {
  name: 'channels',
  usage: 'warp channels',
  summary: 'list channels with message counts',
  async run(ctx) {
    const result = await ctx.app.listChannels();
    emit(ctx, result, () => result.channels.map((c) => `#${c.name}  ${c.messageCount} messages  ${c.description}`));
    return result;
  },
};
