import { discoverAgentsTool } from '../../mcp/tools/discover-agents.tool.js';
import { readDirectMessagesTool } from '../../mcp/tools/read-direct-messages.tool.js';
import { sendDirectMessageTool } from '../../mcp/tools/send-direct-message.tool.js';
import { callTool, checkWithTool, intOption } from '../cli-input.js';
import { emit, stringOption, type Command } from '../command.js';

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
  usage: 'warp dm <recipient-guid> <message...> [--type T] [--key KEY]',
  summary: 'send a direct message (registers this handle as an agent)',
  arguments: [
    { name: 'recipient-guid', help: 'the agent guid, as `warp agents` shows it' },
    { name: 'message', help: 'the text; the remaining words are joined with spaces', variadic: true },
  ],
  options: {
    type: { type: 'string', value: 'T', help: 'message type (default "text")' },
    key: { type: 'string', value: 'KEY', help: 'idempotency key: a retried send with the same key is stored once' },
  },
  async run(ctx, args) {
    const [recipientGuid, ...words] = args.positionals;
    const input = checkWithTool(
      sendDirectMessageTool,
      {
        recipientGuid,
        message: words.join(' '),
        messageType: stringOption(args, 'type'),
        idempotencyKey: stringOption(args, 'key'),
      },
      { recipientGuid: '<recipient-guid>', message: '<message>', messageType: '--type', idempotencyKey: '--key' },
    );
    await ctx.app.registerAgent({ agentType: 'cli' });
    const result = await sendDirectMessageTool.run(ctx.app, input);
    emit(ctx, result, () => [`sent ${result.message.id} to ${recipientGuid} (${result.recipientStatus})`]);
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
