import { discardDeadLetterItemTool } from '../../mcp/tools/discard-dead-letter-item.tool.js';
import { listDeadLetterItemsTool } from '../../mcp/tools/list-dead-letter-items.tool.js';
import { retryDeadLetterItemTool } from '../../mcp/tools/retry-dead-letter-item.tool.js';
import { callTool, intOption } from '../cli-input.js';
import { emit, group, stringOption, type Command } from '../command.js';
import { ID, item } from './work.js';

const dlqList: Command = {
  name: 'list',
  usage: 'warp dlq list [--capability C] [--limit N]',
  summary: 'dead letters, newest first, with the reason of every attempt',
  arguments: [],
  options: {
    capability: { type: 'string', value: 'C', help: 'only this capability' },
    limit: { type: 'string', value: 'N', help: 'at most N items, 1-100 (default 100 here)' },
  },
  async run(ctx, args) {
    const result = await callTool(
      ctx,
      listDeadLetterItemsTool,
      { capability: stringOption(args, 'capability'), limit: intOption(args, 'limit') ?? 100 },
      { capability: '--capability', limit: '--limit' },
    );
    emit(ctx, result, () =>
      result.items.length
        ? result.items.map((w) => `${item(w)}  (${w.deadLetterReason})`)
        : ['dead-letter queue is empty'],
    );
    return result;
  },
};

const retry: Command = {
  name: 'retry',
  usage: 'warp dlq retry <id> [--reset]',
  summary: 'put a dead letter back in its queue',
  arguments: [ID],
  options: { reset: { type: 'boolean', help: 'give it the full number of attempts again' } },
  async run(ctx, args) {
    const result = await callTool(
      ctx,
      retryDeadLetterItemTool,
      { itemId: args.positionals[0], resetAttempts: args.options['reset'] === true },
      { itemId: '<id>', resetAttempts: '--reset' },
    );
    emit(ctx, result, () => [`retried: ${item(result.workItem)}`]);
    return result;
  },
};

const discard: Command = {
  name: 'discard',
  usage: 'warp dlq discard <id>',
  summary: 'remove a dead letter for good',
  arguments: [ID],
  options: {},
  async run(ctx, args) {
    const result = await callTool(ctx, discardDeadLetterItemTool, { itemId: args.positionals[0] }, { itemId: '<id>' });
    emit(ctx, result, () => [`discarded ${result.itemId}`]);
    return result;
  },
};

export const dlq = group('dlq', 'inspect, retry or discard dead letters', [dlqList, retry, discard]);
