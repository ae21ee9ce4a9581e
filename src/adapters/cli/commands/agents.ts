import type { PresenceStatus } from '../../../domain/index.js';
import { UsageError } from '../exit-codes.js';
import { emit, stringOption, type Command } from '../command.js';

export const agents: Command = {
  name: 'agents',
  usage: 'warp agents [--capability C] [--type T] [--status online|busy|offline] [--all]',
  summary: 'discover agents visible from this project',
  async run(ctx, args) {
    const capability = stringOption(args, 'capability');
    const agentType = stringOption(args, 'type');
    const status = stringOption(args, 'status') as PresenceStatus | undefined;
    const result = await ctx.app.discoverAgents({
      ...(capability ? { capability } : {}),
      ...(agentType ? { agentType } : {}),
      ...(status ? { status } : {}),
      includeOffline: Boolean(args.options['all']),
    });
    emit(ctx, result, () =>
      result.agents.length
        ? result.agents.map(
            (a) => `${a.handle}  ${a.status}  ${a.agentType}  [${a.capabilities.join(', ')}]  ${a.guid}`,
          )
        : ['no agents found'],
    );
    return result;
  },
};

export const dm: Command = {
  name: 'dm',
  usage: 'warp dm <recipient-guid> <message> [--type T]',
  summary: 'send a direct message (registers this CLI as an agent)',
  async run(ctx, args) {
    const [recipientGuid, ...words] = args.positionals;
    if (!recipientGuid || words.length === 0) throw new UsageError(this.usage);
    await ctx.app.registerAgent({ agentType: 'cli' });
    const messageType = stringOption(args, 'type');
    const result = await ctx.app.sendDirectMessage({
      recipientGuid,
      message: words.join(' '),
      ...(messageType ? { messageType } : {}),
    });
    emit(ctx, result, () => [`sent ${result.message.id} to ${recipientGuid} (${result.recipientStatus})`]);
    return result;
  },
};

export const inbox: Command = {
  name: 'inbox',
  usage: 'warp inbox [--limit N]',
  summary: "read this CLI agent's direct messages (marks them read)",
  async run(ctx, args) {
    await ctx.app.registerAgent({ agentType: 'cli' });
    const limit = Number(stringOption(args, 'limit') ?? 10);
    const result = await ctx.app.readDirectMessages({ limit });
    emit(ctx, result, () =>
      result.messages.length
        ? result.messages.map((m) => `${m.timestamp} ${m.senderHandle} (${m.messageType}): ${m.body}`)
        : ['inbox empty'],
    );
    return result;
  },
};
