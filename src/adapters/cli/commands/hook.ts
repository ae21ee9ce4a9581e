import { isAbsolute, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { ask, findSession } from '../../hook/hook-client.js';
import { digestAnswer, pathsAnswer } from '../../hook/hook-protocol.js';
import { renderDenial } from '../../hook/render-denial.js';
import { renderDigest, renderStopReason } from '../../hook/render-digest.js';
import { trustedSessionsDir, type SessionRecord } from '../../system/session-records.js';
import type { Command, StandaloneIo } from '../command.js';
import { UsageError } from '../exit-codes.js';

const EVENTS = {
  'session-start': { hookEventName: 'SessionStart', moment: 'session-start' },
  'user-prompt-submit': { hookEventName: 'UserPromptSubmit', moment: 'prompt' },
  stop: { hookEventName: 'Stop', moment: 'stop' },
  'pre-tool-use': { hookEventName: 'PreToolUse', moment: undefined },
} as const;
type HookEvent = keyof typeof EVENTS;

/** The Claude Code tools that change a file, and where each names it. */
const EDITING_TOOLS: Readonly<Record<string, string>> = {
  Edit: 'file_path',
  Write: 'file_path',
  MultiEdit: 'file_path',
  NotebookEdit: 'notebook_path',
};

/** What Claude Code sends on stdin; anything not an object is refused. */
function hookInput(text: string): Record<string, unknown> {
  const input: unknown = JSON.parse(text || '{}');
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new TypeError('hook input is not an object');
  return input as Record<string, unknown>;
}

/** A hook answers within a second, whatever happens; past this it gives up silently. */
const DEADLINE_MS = 900;
const MIN_WORK_MS = 500;
const ASK_TIMEOUT_MS = 700;
/**
 * SessionStart fires while Claude Code is still starting the MCP server, which may take longer than
 * a second to listen and to reach its backend: that hook waits as long as Claude Code lets it run
 * (`--timeout`, the seconds its settings give it; by default the 10 that `warp setup` wrote before),
 * less this much to exit in time.
 */
const SESSION_START_TIMEOUT_S = 10;
const EXIT_MARGIN_MS = 1_000;
const MAX_INPUT = 1024 * 1024;

const USAGE = 'warp hook session-start|user-prompt-submit|stop|pre-tool-use [--agent HANDLE] [--timeout S]';

const HELP = [
  `usage: ${USAGE}`,
  '',
  "Reads the hook's JSON on stdin and answers in Claude Code's hook output: what is new for this",
  "session's agent (DMs, mentions, work offers, who is online), each item once; `stop` blocks",
  'while DMs or mentions are unread (never when stop_hook_active); `pre-tool-use` denies an Edit,',
  'Write, MultiEdit or NotebookEdit of a path another agent reserved exclusively, naming it.',
  'Any error: exit 0, no output.',
  '',
  'options:',
  '  --agent HANDLE  the agent to answer for (default: the Warp MCP server of the same Claude Code)',
  `  --timeout S     session-start: the hook's timeout in Claude Code's settings (default ${SESSION_START_TIMEOUT_S}); it waits`,
  '                  for its server until a second before it',
  '  -h, --help      show this help',
].join('\n');

interface HookArgs {
  readonly event: HookEvent;
  readonly agent: string | undefined;
  /** How long from the start of the process the hook may take. */
  readonly budgetMs: number;
}

function hookArgs(argv: readonly string[]): HookArgs | undefined {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: { agent: { type: 'string' }, timeout: { type: 'string' } },
  });
  const event = positionals[0] as HookEvent | undefined;
  if (!event || !Object.hasOwn(EVENTS, event) || positionals.length > 1) return undefined;
  const timeout = values.timeout === undefined ? SESSION_START_TIMEOUT_S : Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0) return undefined;
  const budgetMs = event === 'session-start' ? Math.max(DEADLINE_MS, timeout * 1000 - EXIT_MARGIN_MS) : DEADLINE_MS;
  return { event, agent: values.agent, budgetMs };
}

export const hook: Command = {
  name: 'hook',
  usage: USAGE,
  summary: "answer a Claude Code hook (JSON on stdin) with what is new for this session's agent",
  run: () => Promise.reject(new UsageError(`${USAGE} runs on its own; call it as a command`)),
  async standalone(argv, io) {
    if (argv.includes('--help') || argv.includes('-h')) {
      await io.out(`${HELP}\n`);
      return 0;
    }
    // A hook must never fail the user's prompt: any problem means exit 0 and no output.
    let args: HookArgs | undefined;
    try {
      args = hookArgs(argv);
    } catch {
      args = undefined;
    }
    if (!args) return 0;
    // The budget counts from the start of the process, so loading Warp is part of it (but a
    // machine slow to start node still leaves the hook time to ask).
    const deadline = Date.now() + Math.max(MIN_WORK_MS, args.budgetMs - performance.now());
    const output = await Promise.race([
      answer(args, deadline, io).catch(() => ''),
      sleep(deadline - Date.now()).then(() => ''),
    ]);
    if (output) await io.out(`${output}\n`);
    return 0;
  },
};

async function answer(args: HookArgs, deadline: number, io: StandaloneIo): Promise<string> {
  const { event } = args;
  const input = hookInput(await io.readStdin(MAX_INPUT));
  if (event === 'stop' && input['stop_hook_active'] === true) return '';
  const target = event === 'pre-tool-use' ? editedPath(input) : undefined;
  if (event === 'pre-tool-use' && !target) return '';

  // Records and sockets are believed only from directories no other user can write (nor read).
  const find = async (): Promise<SessionRecord | undefined> => {
    const dir = trustedSessionsDir();
    return dir ? findSession(dir, args.agent, ASK_TIMEOUT_MS) : undefined;
  };
  // At session start the MCP server may still be starting: look for its record until the deadline.
  let session = await find();
  while (!session && event === 'session-start' && Date.now() < deadline) {
    await sleep(50);
    session = await find();
  }
  if (!session) return '';
  const { hookEventName, moment } = EVENTS[event];
  if (target) {
    const { blocked } = await ask(session.socket, { ask: 'paths', path: target.absolute }, pathsAnswer, ASK_TIMEOUT_MS);
    if (blocked.length === 0) return '';
    return JSON.stringify({
      hookSpecificOutput: {
        hookEventName,
        permissionDecision: 'deny',
        permissionDecisionReason: renderDenial(target.shown, blocked),
      },
    });
  }
  // A server that has just started answers once its backend is open: wait for that as long as allowed.
  const askFor = event === 'session-start' ? Math.max(ASK_TIMEOUT_MS, deadline - Date.now()) : ASK_TIMEOUT_MS;
  const digest = await ask(session.socket, { ask: 'digest', moment: moment! }, digestAnswer, askFor);
  if (event === 'stop') {
    const reason = renderStopReason(digest);
    return reason ? JSON.stringify({ decision: 'block', reason }) : '';
  }
  const context = renderDigest(digest, { greetUnregistered: event === 'session-start' });
  return context ? JSON.stringify({ hookSpecificOutput: { hookEventName, additionalContext: context } }) : '';
}

/** The file a PreToolUse of an editing tool changes: absolute, and as the agent sees it (from its cwd). */
function editedPath(input: Record<string, unknown>): { absolute: string; shown: string } | undefined {
  const field = EDITING_TOOLS[String(input['tool_name'])];
  const toolInput = input['tool_input'];
  if (!field || typeof toolInput !== 'object' || toolInput === null) return undefined;
  const path = (toolInput as Record<string, unknown>)[field];
  if (typeof path !== 'string' || path.length === 0) return undefined;
  const cwd = typeof input['cwd'] === 'string' ? input['cwd'] : process.cwd();
  const absolute = resolve(cwd, path);
  const fromCwd = relative(cwd, absolute);
  return { absolute, shown: fromCwd && !fromCwd.startsWith('..') && !isAbsolute(fromCwd) ? fromCwd : absolute };
}
