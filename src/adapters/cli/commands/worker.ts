import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { CLAIM_TIMEOUT_MS } from '../../../domain/index.js';
import { claimWorkTool } from '../../mcp/tools/claim-work.tool.js';
import { checkWithTool } from '../cli-input.js';
import { emit, stringOption, type Command, type ParsedArgs } from '../command.js';
import { UsageError } from '../exit-codes.js';
import { startItemCommand } from '../worker/item-process.js';
import { Worker, type WorkerSummary } from '../worker/worker-loop.js';
import type { WorkItemView } from '../../../application/work/work-view.js';

/** The item was not completed under --once: exit 1. */
export class ItemNotCompleted extends Error {
  constructor(outcome: string) {
    super(`--once: the item ended ${outcome}, not completed`);
    this.name = 'ItemNotCompleted';
  }
}

const DEFAULT_WAIT_S = 5;
const DEFAULT_GRACE_S = 5;
const MAX_GRACE_S = 3600;

/** A number of seconds (`--wait 2.5`), or undefined when the option is absent. */
function secondsOption(args: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const raw = stringOption(args, name);
  if (raw === undefined) return undefined;
  const value = /^\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!(value >= min && value <= max))
    throw new UsageError(`invalid --${name} ${JSON.stringify(raw)}: expected seconds from ${min} to ${max}`);
  return value;
}

/** What the command finds in its environment about the item (and on stdin, the whole item as JSON). */
export function itemEnvironment(item: WorkItemView): Record<string, string> {
  // An environment value cannot hold a NUL byte.
  const clean = (text: string): string => text.replaceAll('\0', '');
  return {
    WARP_WORK_ID: item.workItemId,
    WARP_TASK_ID: clean(item.taskId),
    WARP_WORK_DESCRIPTION: clean(item.description),
    WARP_WORK_CAPABILITY: item.capability,
    WARP_WORK_ATTEMPT: String(item.attempts),
  };
}

/** Whether `file` is a file this process may run. */
const runnable = (file: string): boolean => {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
};

/**
 * Refuses, before anything is claimed, a command that cannot run: otherwise every item would be
 * claimed and failed in turn. A name is looked up on PATH as the shell would.
 */
function checkRunnable(command: string, env: NodeJS.ProcessEnv, cwd: string): void {
  const found = command.includes('/')
    ? runnable(isAbsolute(command) ? command : resolve(cwd, command))
    : (env['PATH'] ?? '')
        .split(delimiter)
        .filter(Boolean)
        .some((dir) => runnable(join(resolve(cwd, dir), command)));
  if (!found)
    throw new UsageError(
      `worker: cannot run ${JSON.stringify(command)}: ${command.includes('/') ? 'no such executable file' : 'not found on PATH'}`,
    );
}

/** A second SIGTERM or SIGINT while the worker stops: the command is killed at once. */
function secondSignal(): { readonly signal: AbortSignal; dispose(): void } {
  const kill = new AbortController();
  let seen = 0;
  const onSignal = (): void => {
    if (++seen >= 2) kill.abort();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return {
    signal: kill.signal,
    dispose: () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    },
  };
}

export const worker: Command = {
  name: 'worker',
  usage:
    'warp worker --capability CAP --as HANDLE [--once] [--idle-exit S] [--wait S] [--grace S] -- COMMAND [ARGS...]',
  summary: 'a headless agent: run COMMAND for each work item of a capability',
  arguments: [
    { name: 'command', help: 'the command run for each item, with its arguments (after --)', variadic: true },
  ],
  options: {
    capability: { type: 'string', value: 'CAP', help: 'the capability whose work it takes (required)' },
    once: { type: 'boolean', help: 'handle one item, then exit: 0 completed, 1 failed' },
    'idle-exit': { type: 'string', value: 'S', help: 'exit 0 after S seconds with nothing to claim' },
    wait: {
      type: 'string',
      value: 'S',
      help: `how long one claim waits for an item before asking again, 0.1-30 (default ${DEFAULT_WAIT_S}); a stop while waiting takes up to this long`,
    },
    grace: {
      type: 'string',
      value: 'S',
      help: `when stopped, how long the command has after SIGTERM before SIGKILL (default ${DEFAULT_GRACE_S})`,
    },
  },
  // The worker ends its command, gives its item back and deregisters before it exits.
  agent: true,
  interruptGraceMs: (MAX_GRACE_S + 60) * 1000,
  details: [
    'Registers --as (agent type "worker", the capability), then claims items one at a time. For each',
    'it runs COMMAND with the item in its environment (WARP_WORK_ID, WARP_TASK_ID, WARP_WORK_DESCRIPTION,',
    'WARP_WORK_CAPABILITY, WARP_WORK_ATTEMPT) and as JSON on stdin.',
    '  exit 0       completes the item; its stdout is the result (its end, within 64 KiB)',
    '  non-zero     fails it with the exit code and the end of stderr: retried, or dead-lettered at its',
    '               last attempt',
    '  a stdout line "::progress PERCENT NOTE" reports progress (it is not part of the result).',
    'The lease is renewed while COMMAND runs, however long it takes.',
    'SIGTERM or SIGINT: no new claims; COMMAND gets SIGTERM, then SIGKILL after --grace; its item is',
    'failed as interrupted, so another worker takes it at once; the worker deregisters and exits 0.',
    'A second signal kills COMMAND at once. Progress and outcomes are logged on stderr, a line each.',
    'With NATS_CREDS the credential names the agent: --as may be left out.',
    '',
    'example: warp worker --capability lint --as linter-1 -- sh -c \'npx eslint "$WARP_TASK_ID"\'',
  ],
  async run(ctx, args) {
    if (stringOption(args, 'capability') === undefined) throw new UsageError('worker: --capability CAP is required');
    if (args.options['as'] === undefined && !ctx.env['NATS_CREDS'])
      throw new UsageError('worker: --as HANDLE is required (the handle this worker registers as)');
    const claim = checkWithTool(
      claimWorkTool,
      {
        capability: stringOption(args, 'capability'),
        timeout: Math.round((secondsOption(args, 'wait', 0.1, 30) ?? DEFAULT_WAIT_S) * 1000),
      },
      { capability: '--capability', timeout: '--wait' },
    );
    const idleExit = secondsOption(args, 'idle-exit', 0, 365 * 86_400);
    const grace = secondsOption(args, 'grace', 0, MAX_GRACE_S) ?? DEFAULT_GRACE_S;
    const argv = args.positionals;
    checkRunnable(argv[0]!, ctx.env, ctx.cwd);
    const kill = secondSignal();
    const runner = new Worker(
      {
        app: ctx.app,
        start: (item, onProgress) =>
          startItemCommand({
            argv,
            env: { ...ctx.env, ...itemEnvironment(item) },
            input: `${JSON.stringify(item)}\n`,
            cwd: ctx.cwd,
            onProgress,
          }),
        log: (line) => process.stderr.write(`warp worker: ${line}\n`),
        stop: ctx.signal,
        kill: kill.signal,
      },
      {
        capability: claim.capability,
        once: args.options['once'] === true,
        claimWaitMs: claim.timeout ?? CLAIM_TIMEOUT_MS.default,
        graceMs: grace * 1000,
        ...(idleExit !== undefined ? { idleExitMs: idleExit * 1000 } : {}),
      },
    );
    let summary: WorkerSummary;
    try {
      summary = await runner.run();
    } finally {
      kill.dispose();
    }
    emit(ctx, summary, () => []);
    if (summary.why === 'once' && summary.last !== 'completed' && summary.last !== 'interrupted')
      throw new ItemNotCompleted(summary.last ?? 'without an outcome');
    return summary;
  },
};
