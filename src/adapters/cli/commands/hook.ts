import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { ask, findSession } from '../../hook/hook-client.js';
import { digestAnswer } from '../../hook/hook-protocol.js';
import { renderDigest, renderStopReason } from '../../hook/render-digest.js';
import { trustedSessionsDir, type SessionRecord } from '../../system/session-records.js';
import type { Command, StandaloneIo } from '../command.js';
import { UsageError } from '../exit-codes.js';

const EVENTS = {
  'session-start': { hookEventName: 'SessionStart', moment: 'session-start' },
  'user-prompt-submit': { hookEventName: 'UserPromptSubmit', moment: 'prompt' },
  stop: { hookEventName: 'Stop', moment: 'stop' },
} as const;
type HookEvent = keyof typeof EVENTS;

/** Of what Claude Code sends on stdin, the one field the hook reads; anything not an object is refused. */
function stopHookActive(text: string): boolean {
  const input: unknown = JSON.parse(text || '{}');
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new TypeError('hook input is not an object');
  return (input as Record<string, unknown>)['stop_hook_active'] === true;
}

/** The hook answers within a second, whatever happens; past this it gives up silently. */
const DEADLINE_MS = 900;
const MIN_WORK_MS = 500;
const ASK_TIMEOUT_MS = 700;
/** At session start the MCP server may still be starting: look for its record this long. */
const STARTUP_GRACE_MS = 500;
const MAX_INPUT = 1024 * 1024;

const USAGE = 'warp hook session-start|user-prompt-submit|stop [--agent HANDLE]';

const HELP = [
  `usage: ${USAGE}`,
  '',
  "Reads the hook's JSON on stdin and answers in Claude Code's hook output: what is new for this",
  "session's agent (DMs, mentions, work offers, who is online), each item once; `stop` blocks",
  'while DMs or mentions are unread (never when stop_hook_active). Any error: exit 0, no output.',
  '',
  'options:',
  '  --agent HANDLE  the agent to answer for (default: the Warp MCP server of the same Claude Code)',
  '  -h, --help      show this help',
].join('\n');

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
    // The budget counts from the start of the process, so loading Warp is part of it (but a
    // machine slow to start node still leaves the hook time to ask).
    const left = Math.max(MIN_WORK_MS, DEADLINE_MS - performance.now());
    const output = await Promise.race([answer(argv, io).catch(() => ''), sleep(left).then(() => '')]);
    if (output) await io.out(`${output}\n`);
    return 0;
  },
};

async function answer(argv: readonly string[], io: StandaloneIo): Promise<string> {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: { agent: { type: 'string' } },
  });
  const event = positionals[0] as HookEvent | undefined;
  if (!event || !Object.hasOwn(EVENTS, event) || positionals.length > 1) return '';
  const active = stopHookActive(await io.readStdin(MAX_INPUT));
  if (event === 'stop' && active) return '';

  // Records and sockets are believed only from directories no other user can write (nor read).
  const find = async (): Promise<SessionRecord | undefined> => {
    const dir = trustedSessionsDir();
    return dir ? findSession(dir, values.agent, ASK_TIMEOUT_MS) : undefined;
  };
  const deadline = Date.now() + (event === 'session-start' ? STARTUP_GRACE_MS : 0);
  let session = await find();
  while (!session && Date.now() < deadline) {
    await sleep(50);
    session = await find();
  }
  if (!session) return '';
  const { hookEventName, moment } = EVENTS[event];
  const digest = await ask(session.socket, { ask: 'digest', moment }, digestAnswer, ASK_TIMEOUT_MS);
  if (event === 'stop') {
    const reason = renderStopReason(digest);
    return reason ? JSON.stringify({ decision: 'block', reason }) : '';
  }
  const context = renderDigest(digest, { greetUnregistered: event === 'session-start' });
  return context ? JSON.stringify({ hookSpecificOutput: { hookEventName, additionalContext: context } }) : '';
}
