import type { WorkItemView } from '../../../application/work/work-view.js';
import type { WorkStatus } from '../../../application/work/list-work.js';
import { UsageError } from '../exit-codes.js';
import { emit, intOption, stringOption, type CliContext, type Command, type ParsedArgs } from '../command.js';

const item = (w: WorkItemView): string =>
  `${w.workItemId}  ${w.status}  p${w.priority}  ${w.capability}  attempts ${w.attempts}/${w.maxAttempts}${w.holder ? `  held by ${w.holder}` : ''}  ${w.taskId}: ${w.description}`;

/** The CLI acts as an agent named by --as (default "cli"), so claims survive between invocations. */
async function asWorker(ctx: CliContext, capability?: string): Promise<void> {
  await ctx.app.registerAgent({ agentType: 'cli', ...(capability ? { capabilities: [capability] } : {}) });
}

const parseJson = (text: string | undefined, what: string): unknown => {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`${what} must be JSON, e.g. '{"key":"value"}'`);
  }
};

const sub: Record<string, (ctx: CliContext, args: ParsedArgs) => Promise<unknown>> = {
  async offer(ctx, args) {
    const [taskId, capability, ...words] = args.positionals;
    if (!taskId || !capability || words.length === 0)
      throw new UsageError(
        'warp work offer <taskId> <capability> <description> [--priority 1-10] [--deadline ISO] [--context JSON]',
      );
    const priority = intOption(args, 'priority');
    const deadline = stringOption(args, 'deadline');
    const contextData = parseJson(stringOption(args, 'context'), '--context') as Record<string, never> | undefined;
    const result = await ctx.app.broadcastWorkOffer({
      taskId,
      requiredCapability: capability,
      description: words.join(' '),
      ...(priority !== undefined ? { priority } : {}),
      ...(deadline ? { deadline } : {}),
      ...(contextData ? { contextData } : {}),
    });
    emit(ctx, result, () => [`${result.created ? 'offered' : 'already offered'}: ${item(result.workItem)}`]);
    return result;
  },
  async claim(ctx, args) {
    const [capability] = args.positionals;
    if (!capability) throw new UsageError('warp work claim <capability> [--timeout ms]');
    await asWorker(ctx, capability);
    const timeout = intOption(args, 'timeout');
    const result = await ctx.app.claimWork({ capability, ...(timeout !== undefined ? { timeout } : {}) });
    emit(ctx, result, () => [result.claimed ? `claimed: ${item(result.workItem)}` : result.reason]);
    return result;
  },
  async complete(ctx, args) {
    const [workItemId] = args.positionals;
    if (!workItemId) throw new UsageError('warp work complete <workItemId> [--summary text] [--result JSON]');
    await asWorker(ctx);
    const summary = stringOption(args, 'summary');
    const resultData = parseJson(stringOption(args, 'result'), '--result') as string | undefined;
    const result = await ctx.app.completeWork({
      workItemId,
      ...(summary ? { summary } : {}),
      ...(resultData !== undefined ? { result: resultData } : {}),
    });
    emit(ctx, result, () => [
      `${result.alreadyCompleted ? 'already completed' : 'completed'}: ${item(result.workItem)}`,
    ]);
    return result;
  },
  async fail(ctx, args) {
    const [workItemId, ...words] = args.positionals;
    if (!workItemId || words.length === 0) throw new UsageError('warp work fail <workItemId> <error> [--no-retry]');
    await asWorker(ctx);
    const result = await ctx.app.failWork({ workItemId, error: words.join(' '), retryable: !args.options['no-retry'] });
    emit(ctx, result, () => [`failed: ${item(result.workItem)}`]);
    return result;
  },
  async list(ctx, args) {
    const capability = stringOption(args, 'capability');
    const status = stringOption(args, 'status') as WorkStatus | undefined;
    const result = await ctx.app.listWork({ ...(capability ? { capability } : {}), ...(status ? { status } : {}) });
    emit(ctx, result, () =>
      result.items.length === 0
        ? ['no work items']
        : [
            ...Object.entries(result.depth).map(
              ([cap, d]) =>
                `${cap}: ${d.offered} offered, ${d.claimed} claimed, ${d.deadLettered} dead-lettered, ${d.completed} completed`,
            ),
            ...result.items.map(item),
          ],
    );
    return result;
  },
  async show(ctx, args) {
    const [workItemId] = args.positionals;
    if (!workItemId) throw new UsageError('warp work show <workItemId>');
    const result = await ctx.app.getWorkItem({ workItemId });
    emit(ctx, result, () => [item(result.workItem), ...result.events.map((e) => `  ${e.at} ${e.type}`)]);
    return result;
  },
};

export const work: Command = {
  name: 'work',
  usage: 'warp work offer|claim|complete|fail|list|show ...',
  summary: 'offer, claim and finish work; inspect queues',
  async run(ctx, args) {
    const [action, ...rest] = args.positionals;
    const handler = action ? sub[action] : undefined;
    if (!handler) throw new UsageError(this.usage);
    return handler(ctx, { ...args, positionals: rest });
  },
};

export const dlq: Command = {
  name: 'dlq',
  usage: 'warp dlq list [--capability C] | retry <itemId> [--reset] | discard <itemId>',
  summary: 'inspect, retry or discard dead letters',
  async run(ctx, args) {
    const [action, itemId] = args.positionals;
    if (action === 'list') {
      const capability = stringOption(args, 'capability');
      const result = await ctx.app.listDeadLetterItems({ ...(capability ? { capability } : {}), limit: 100 });
      emit(ctx, result, () =>
        result.items.length
          ? result.items.map((w) => `${item(w)}  (${w.deadLetterReason})`)
          : ['dead-letter queue is empty'],
      );
      return result;
    }
    if (action === 'retry' && itemId) {
      const result = await ctx.app.retryDeadLetterItem({ itemId, resetAttempts: Boolean(args.options['reset']) });
      emit(ctx, result, () => [`retried: ${item(result.workItem)}`]);
      return result;
    }
    if (action === 'discard' && itemId) {
      const result = await ctx.app.discardDeadLetterItem({ itemId });
      emit(ctx, result, () => [`discarded ${itemId}`]);
      return result;
    }
    throw new UsageError(this.usage);
  },
};
