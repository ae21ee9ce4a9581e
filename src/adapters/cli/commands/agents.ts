import { discoverAgentsTool } from '../../mcp/tools/discover-agents.tool.js';
import { readDirectMessagesTool } from '../../mcp/tools/read-direct-messages.tool.js';
import { sendDirectMessageTool } from '../../mcp/tools/send-direct-message.tool.js';
import { callTool, checkWithTool, intOption } from '../cli-input.js';
import { emit, stringOption, type CliContext, type Command, type ParsedArgs } from '../command.js';
import { UsageError } from '../exit-codes.js';

export const agents: Command = {
  name: 'agents',
  usage: 'warp agents [--capability C] [--type T] [--status online|busy|offline] [--all]',
  summary: 'discover agents visible from this project',
  arguments: [],
  options: {
    capability: { type: 'string', value: 'C', help: 'only agents with this capability' },
    type: { type: 'string', value: 'T', help: 'only agents of this agentType' },
    status: { type: 'string', value: 'S', help: 'online, busy or offline' },
    all: { type: 'boolean', help: 'include offline agents' },
  },
  async run(ctx, args) {
    const result = await callTool(
      ctx,
      discoverAgentsTool,
      {
        capability: stringOption(args, 'capability'),
        agentType: stringOption(args, 'type'),
        status: stringOption(args, 'status'),
        includeOffline: args.options['all'] === true,
      },
      { capability: '--capability', agentType: '--type', status: '--status', includeOffline: '--all' },
    );
    // Nothing online: say whether offline agents are there to see, rather than "no agents".
    const offline =
      result.agents.length === 0 && args.options['all'] !== true && stringOption(args, 'status') === undefined
        ? (await ctx.app.discoverAgents({ ...filters(args), includeOffline: true })).count
        : 0;
    emit(ctx, result, () =>
      result.agents.length
        ? result.agents.map(
            (a) => `${a.handle}  ${a.status}  ${a.agentType}  [${a.capabilities.join(', ')}]  ${a.guid}`,
          )
        : offline
          ? [`no agents online; ${offline} offline (\`warp agents --all\` lists them)`]
          : ['no agents found'],
    );
    return result;
  },
};

const filters = (args: ParsedArgs): { capability?: string; agentType?: string } => {
  const capability = stringOption(args, 'capability');
  const agentType = stringOption(args, 'type');
  return { ...(capability !== undefined ? { capability } : {}), ...(agentType !== undefined ? { agentType } : {}) };
};

/**
 * The guid of the agent `who` names: a handle of an agent this project sees (online first), or a
 * guid as it is. Several agents of that handle (on different hosts) and none online: say which.
 */
async function guidOf(ctx: CliContext, who: string): Promise<string> {
  const named = (await ctx.app.discoverAgents({ includeOffline: true })).agents.filter((a) => a.handle === who);
  if (named.length <= 1) return named[0]?.guid ?? who;
  const online = named.filter((a) => a.status !== 'offline');
  if (online.length === 1) return online[0]!.guid;
  throw new UsageError(
    `several agents are named ${who}; give one's guid: ${named.map((a) => `${a.guid} (${a.status})`).join(', ')}`,
  );
}

export const dm: Command = {
  name: 'dm',
  usage: 'warp dm <recipient> <message...> [--type T] [--key KEY]',
  summary: 'send a direct message (registers this handle as an agent)',
  arguments: [
    { name: 'recipient', help: 'the agent: its handle, or its guid as `warp agents` shows it' },
    { name: 'message', help: 'the text; the remaining words are joined with spaces', variadic: true },
  ],
  options: {
    type: { type: 'string', value: 'T', help: 'message type (default "text")' },
    key: { type: 'string', value: 'KEY', help: 'idempotency key: a retried send with the same key is stored once' },
  },
  async run(ctx, args) {
    const [recipient, ...words] = args.positionals;
    const input = checkWithTool(
      sendDirectMessageTool,
      {
        recipientGuid: recipient,
        message: words.join(' '),
        messageType: stringOption(args, 'type'),
        idempotencyKey: stringOption(args, 'key'),
      },
      { recipientGuid: '<recipient>', message: '<message>', messageType: '--type', idempotencyKey: '--key' },
    );
    await ctx.app.registerAgent({ agentType: 'cli' });
    const recipientGuid = await guidOf(ctx, input.recipientGuid);
    const result = await sendDirectMessageTool.run(ctx.app, { ...input, recipientGuid });
    emit(ctx, result, () => [`sent ${result.message.id} to ${recipient} (${result.recipientStatus})`]);
    return result;
  },
};

export const inbox: Command = {
  name: 'inbox',
  usage: 'warp inbox [--limit N] [--type T] [--from GUID]',
  summary: "read this handle's direct messages (marks them read)",
  arguments: [],
  options: {
    limit: { type: 'string', value: 'N', help: 'how many, 1-100 (default 10)' },
    type: { type: 'string', value: 'T', help: 'only this message type (others stay unread)' },
    from: { type: 'string', value: 'GUID', help: 'only from this sender (others stay unread)' },
  },
  async run(ctx, args) {
    const input = checkWithTool(
      readDirectMessagesTool,
      {
        limit: intOption(args, 'limit'),
        messageType: stringOption(args, 'type'),
        senderGuid: stringOption(args, 'from'),
      },
      { limit: '--limit', messageType: '--type', senderGuid: '--from' },
    );
    await ctx.app.registerAgent({ agentType: 'cli' });
    const result = await readDirectMessagesTool.run(ctx.app, input);
    emit(ctx, result, () =>
      result.messages.length
        ? result.messages.map((m) => `${m.timestamp} ${m.senderHandle} (${m.messageType}): ${m.body}`)
        : ['inbox empty'],
    );
    return result;
  },
};
