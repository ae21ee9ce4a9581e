import type { WorkItemView } from '../../../application/work/work-view.js';
import { broadcastWorkOfferTool } from '../../mcp/tools/broadcast-work-offer.tool.js';
import { claimWorkTool } from '../../mcp/tools/claim-work.tool.js';
import { completeWorkTool } from '../../mcp/tools/complete-work.tool.js';
import { failWorkTool } from '../../mcp/tools/fail-work.tool.js';
import { getWorkItemTool } from '../../mcp/tools/get-work-item.tool.js';
import { listWorkTool } from '../../mcp/tools/list-work.tool.js';
import { reportWorkProgressTool } from '../../mcp/tools/report-work-progress.tool.js';
import { callTool, checkWithTool, intOption, jsonObjectOption, textOrObjectOption } from '../cli-input.js';
import { emit, group, stringOption, type CliContext, type Command } from '../command.js';
import { EXIT, ExitWith } from '../exit-codes.js';

/** One item on a line; its holder by handle where `handles` knows the guid. */
export const item = (w: WorkItemView, handles: ReadonlyMap<string, string> = new Map()): string =>
  `${w.workItemId}  ${w.status}  p${w.priority}  ${w.capability}  attempts ${w.attempts}/${w.maxAttempts}${w.holder ? `  held by ${handles.get(w.holder) ?? w.holder}` : ''}  ${w.taskId}: ${w.description}`;

/** The handles of the agents this project sees, by guid: holders are shown by name, not guid. */
async function handles(ctx: CliContext): Promise<Map<string, string>> {
  const { agents } = await ctx.app.discoverAgents({ includeOffline: true });
  return new Map(agents.map((a) => [a.guid, a.handle]));
}

/** The item with its holder's handle beside the guid (--json). */
const withHolder = <W extends WorkItemView>(w: W, names: ReadonlyMap<string, string>): W & { holderHandle?: string } =>
  w.holder && names.has(w.holder) ? { ...w, holderHandle: names.get(w.holder)! } : w;

/** The CLI acts as an agent named by --as (default "cli"), so claims survive between invocations. */
async function asWorker(ctx: CliContext, capability?: string): Promise<void> {
  await ctx.app.registerAgent({ agentType: 'cli', ...(capability ? { capabilities: [capability] } : {}) });
}

export const ID = { name: 'id', help: 'the work item id (see `warp work list`)' } as const;

const offer: Command = {
  name: 'offer',
  usage: 'warp work offer <task-id> <capability> <description...> [--priority 1-10] [--deadline ISO] [--context JSON]',
  summary: 'queue a task for any agent with the capability',
  arguments: [
    { name: 'task-id', help: 'your id for the task; offering the same task id again is stored once' },
    { name: 'capability', help: 'who may take it: 1-64 lowercase letters, digits, "-" or "_"' },
    { name: 'description', help: 'what to do; the remaining words are joined with spaces', variadic: true },
  ],
  options: {
    priority: { type: 'string', value: 'P', help: '1-10, higher is handed out first (default 5)' },
    deadline: { type: 'string', value: 'ISO', help: 'not handed out after this time, e.g. 2026-12-01T17:00:00Z' },
    context: { type: 'string', value: 'JSON', help: 'a JSON object the worker gets with the task' },
  },
  async run(ctx, args) {
    const [taskId, requiredCapability, ...words] = args.positionals;
    const result = await callTool(
      ctx,
      broadcastWorkOfferTool,
      {
        taskId,
        requiredCapability,
        description: words.join(' '),
        priority: intOption(args, 'priority'),
        deadline: stringOption(args, 'deadline'),
        contextData: jsonObjectOption(args, 'context'),
      },
      {
        taskId: '<task-id>',
        requiredCapability: '<capability>',
        description: '<description>',
        priority: '--priority',
        deadline: '--deadline',
        contextData: '--context',
      },
    );
    emit(ctx, result, () => [`${result.created ? 'offered' : 'already offered'}: ${item(result.workItem)}`]);
    return result;
  },
};

const claim: Command = {
  name: 'claim',
  usage: 'warp work claim <capability> [--timeout MS]',
  summary: 'take the highest-priority item for a capability (registers --as with it); exit 4 when none',
  arguments: [{ name: 'capability', help: 'the capability to work on' }],
  options: {
    timeout: { type: 'string', value: 'MS', help: 'wait up to this long for an item, 100-30000 (default 5000)' },
  },
  async run(ctx, args) {
    const input = checkWithTool(
      claimWorkTool,
      { capability: args.positionals[0], timeout: intOption(args, 'timeout') },
      { capability: '<capability>', timeout: '--timeout' },
    );
    await asWorker(ctx, input.capability);
    const result = await claimWorkTool.run(ctx.app, input);
    const me = await ctx.app.getMyHandle();
    const names = new Map(me.guid && me.handle ? [[me.guid, me.handle]] : []);
    const shown = result.claimed ? { ...result, workItem: withHolder(result.workItem, names) } : result;
    emit(ctx, shown, () => [result.claimed ? `claimed: ${item(result.workItem, names)}` : result.reason]);
    // Nothing to claim is not a failure, but a script must be able to tell it apart from a claim.
    if (!result.claimed) throw new ExitWith(EXIT.nothing);
    return result;
  },
};

const complete: Command = {
  name: 'complete',
  usage: 'warp work complete <id> [--summary TEXT] [--result TEXT|JSON]',
  summary: 'finish an item you hold (repeating it is harmless)',
  arguments: [ID],
  options: {
    summary: { type: 'string', value: 'TEXT', help: 'a short summary of what was done' },
    result: { type: 'string', value: 'RESULT', help: 'the result: text, or a JSON object' },
  },
  async run(ctx, args) {
    const input = checkWithTool(
      completeWorkTool,
      {
        workItemId: args.positionals[0],
        summary: stringOption(args, 'summary'),
        result: textOrObjectOption(args, 'result'),
      },
      { workItemId: '<id>', summary: '--summary', result: '--result' },
    );
    await asWorker(ctx);
    const result = await completeWorkTool.run(ctx.app, input);
    emit(ctx, result, () => [
      `${result.alreadyCompleted ? 'already completed' : 'completed'}: ${item(result.workItem)}`,
    ]);
    return result;
  },
};

const fail: Command = {
  name: 'fail',
  usage: 'warp work fail <id> <error...> [--no-retry]',
  summary: 'give up an item you hold; it is retried, or dead-lettered with --no-retry',
  arguments: [ID, { name: 'error', help: 'why; the remaining words are joined with spaces', variadic: true }],
  options: { 'no-retry': { type: 'boolean', help: 'dead-letter it at once instead of retrying' } },
  async run(ctx, args) {
    const [workItemId, ...words] = args.positionals;
    const input = checkWithTool(
      failWorkTool,
      { workItemId, error: words.join(' '), retryable: args.options['no-retry'] !== true },
      { workItemId: '<id>', error: '<error>', retryable: '--no-retry' },
    );
    await asWorker(ctx);
    const result = await failWorkTool.run(ctx.app, input);
    emit(ctx, result, () => [`failed: ${item(result.workItem)}`]);
    return result;
  },
};

const progress: Command = {
  name: 'progress',
  usage: 'warp work progress <id> <percent> [message...]',
  summary: 'record progress on an item you hold; extends its lease',
  arguments: [
    ID,
    { name: 'percent', help: '0-100' },
    { name: 'message', help: 'a note; the remaining words are joined with spaces', variadic: true, optional: true },
  ],
  options: {},
  async run(ctx, args) {
    const [workItemId, percent, ...words] = args.positionals;
    const input = checkWithTool(
      reportWorkProgressTool,
      {
        workItemId,
        progress: percent !== undefined && /^\d+(\.\d+)?$/.test(percent) ? Number(percent) : percent,
        message: words.length ? words.join(' ') : undefined,
      },
      { workItemId: '<id>', progress: '<percent>', message: '<message>' },
    );
    await asWorker(ctx);
    const result = await reportWorkProgressTool.run(ctx.app, input);
    emit(ctx, result, () => [`progress ${input.progress}%: ${item(result.workItem)}`]);
    return result;
  },
};

const list: Command = {
  name: 'list',
  usage: 'warp work list [--capability C] [--status S] [--limit N]',
  summary: 'queue depth per capability and the items, newest first',
  arguments: [],
  options: {
    capability: { type: 'string', value: 'C', help: 'only this capability' },
    status: { type: 'string', value: 'S', help: 'offered, claimed, completed, dead-lettered or discarded' },
    limit: { type: 'string', value: 'N', help: 'at most N items, 1-500' },
  },
  async run(ctx, args) {
    const result = await callTool(
      ctx,
      listWorkTool,
      {
        capability: stringOption(args, 'capability'),
        status: stringOption(args, 'status'),
        limit: intOption(args, 'limit'),
      },
      { capability: '--capability', status: '--status', limit: '--limit' },
    );
    const names = result.items.some((w) => w.holder) ? await handles(ctx) : new Map<string, string>();
    const shown = { ...result, items: result.items.map((w) => withHolder(w, names)) };
    emit(ctx, shown, () =>
      result.items.length === 0
        ? ['no work items']
        : [
            ...Object.entries(result.depth).map(
              ([cap, d]) =>
                `${cap}: ${d.offered} offered, ${d.claimed} claimed, ${d.deadLettered} dead-lettered, ${d.completed} completed`,
            ),
            ...result.items.map((w) => item(w, names)),
          ],
    );
    return result;
  },
};

const show: Command = {
  name: 'show',
  usage: 'warp work show <id>',
  summary: 'one item with its full history',
  arguments: [ID],
  options: {},
  async run(ctx, args) {
    const result = await callTool(ctx, getWorkItemTool, { workItemId: args.positionals[0] }, { workItemId: '<id>' });
    emit(ctx, result, () => [item(result.workItem), ...result.events.map((e) => `  ${e.at} ${e.type}`)]);
    return result;
  },
};

export const work = group('work', 'offer, claim and finish work; inspect queues', [
  offer,
  claim,
  complete,
  fail,
  progress,
  list,
  show,
]);
