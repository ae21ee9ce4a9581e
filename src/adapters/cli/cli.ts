import { parseArgs } from 'node:util';
import type { WarpApi } from '../../application/index.js';
import { setHandleTool } from '../mcp/tools/set-handle.tool.js';
import { checkWithTool } from './cli-input.js';
import type { CliContext, Command, OptionSpec } from './command.js';
import { agents, dm, inbox } from './commands/agents.js';
import { auth } from './commands/auth.js';
import { channel, channels, read, send } from './commands/channels.js';
import { doctor } from './commands/doctor.js';
import { localServer } from './commands/local-server.js';
import { hook } from './commands/hook.js';
import { hub } from './commands/hub.js';
import { setup } from './commands/setup.js';
import { status } from './commands/status.js';
import { dlq } from './commands/dlq.js';
import { guard } from './commands/guard.js';
import { release, reservations, reserve } from './commands/reservations.js';
import { work } from './commands/work.js';
import { worker } from './commands/worker.js';
import { web } from './commands/web.js';
import { EXIT, UsageError } from './exit-codes.js';
import { commandHelp, globalOptionsLine } from './help.js';

export const COMMANDS: readonly Command[] = [
  send,
  read,
  channels,
  channel,
  agents,
  dm,
  inbox,
  work,
  worker,
  dlq,
  reserve,
  release,
  reservations,
  guard,
  status,
  doctor,
  localServer,
  hub,
  auth,
  hook,
  setup,
  web,
];

/** Options every command takes. */
export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  json: { type: 'boolean', help: 'machine-readable output (JSON)' },
  as: { type: 'string', value: 'HANDLE', help: 'act as this handle (default "cli")' },
  verbose: { type: 'boolean', short: 'v', help: 'log to stderr (INFO; LOG_LEVEL wins when set)' },
  help: { type: 'boolean', short: 'h', help: 'show help' },
};

/** Options understood, unchecked, by commands that declare none of their own. */
const BOOLEAN_OPTIONS = ['json', 'follow', 'all', 'reset', 'no-retry'] as const;
const STRING_OPTIONS = [
  'as',
  'limit',
  'before',
  'after',
  'capability',
  'type',
  'status',
  'priority',
  'deadline',
  'context',
  'summary',
  'result',
  'timeout',
  'reply-to',
  'key',
] as const;

export function usage(): string {
  return [
    'usage: warp [serve]                         start the MCP stdio server (what MCP clients run)',
    '       warp <command> [arguments] [options]   the CLI, over the same use cases',
    '',
    'commands:',
    ...COMMANDS.map(
      (c) =>
        `  ${c.name.padEnd(14)}${c.summary}${c.subcommands ? ` (${c.subcommands.map((s) => s.name).join(', ')})` : ''}`,
    ),
    '',
    '`warp <command> --help` describes a command, its arguments and options.',
    globalOptionsLine(GLOBAL_OPTIONS),
    'exit codes: 0 ok, 1 failed, 2 rejected (not found, not allowed, over a limit), 3 backend unavailable,',
    '            4 nothing to do (`warp work claim` found no item), 64 usage (unknown command or option,',
    '            missing or ill-formed argument)',
  ].join('\n');
}

export interface ParsedCli {
  readonly command: Command;
  /** `work offer` → [work, offer]. */
  readonly path: readonly Command[];
  readonly positionals: string[];
  readonly options: Record<string, string | boolean | undefined>;
}

export type CliRequest = ParsedCli | { readonly help: string };

const toParseArgs = (options: Readonly<Record<string, OptionSpec>>) =>
  Object.fromEntries(
    Object.entries(options).map(([name, spec]) => [
      name,
      spec.short ? { type: spec.type, short: spec.short } : { type: spec.type },
    ]),
  );

const LEGACY_OPTIONS = {
  ...Object.fromEntries(BOOLEAN_OPTIONS.map((o) => [o, { type: 'boolean' as const }])),
  ...Object.fromEntries(STRING_OPTIONS.map((o) => [o, { type: 'string' as const }])),
  ...toParseArgs(GLOBAL_OPTIONS),
};

/** Edit distance, a swap of two neighbours counting one, for "did you mean --limit?" (`wrok` → work). */
function distance(a: string, b: string): number {
  let before: number[] = [];
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        next[j] = Math.min(next[j]!, before[j - 2]! + 1);
    }
    before = row;
    row = next;
  }
  return row[b.length]!;
}

/** The command named most like `typed`: one it starts, or within two edits (`warp reserv` → reserve). */
function nearest(typed: string, commands: readonly Command[]): string | undefined {
  const ranked = commands
    .map(({ name }) => ({ name, prefix: name.startsWith(typed) || typed.startsWith(name), d: distance(typed, name) }))
    .filter(({ prefix, d }) => prefix || d <= 2)
    .sort((a, b) => Number(b.prefix) - Number(a.prefix) || a.d - b.d || a.name.localeCompare(b.name));
  return ranked[0]?.name;
}

/** Turns node:util's parse errors into a usage error that names the option and what to do. */
function parseError(error: unknown, name: string, known: readonly string[]): UsageError {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const option = /'[^']*?(--?[\w-]+)(?: <value>)?'/.exec(message)?.[1] ?? '';
  const help = `see \`warp ${name} --help\``;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const bare = option.replace(/^-+/, '');
    const near = known.filter((k) => distance(bare, k) <= 2).sort((a, b) => distance(bare, a) - distance(bare, b));
    return new UsageError(
      `${name}: unknown option ${option}${near[0] ? ` (did you mean --${near[0]}?)` : ''}; ${help}`,
    );
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE')
    return new UsageError(
      `${name}: ${option} ${/argument missing/.test(message) ? 'needs a value' : 'takes no value'}; ${help}`,
    );
  return new UsageError(`${name}: ${message}; ${help}`);
}

/** The command words before any option, as typed: `warp work list --limit 5` → [work, list]. */
function resolvePath(argv: readonly string[], commands: readonly Command[]): Command[] {
  const { positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: false,
    options: LEGACY_OPTIONS,
  });
  const [name, subName] = positionals;
  const command = commands.find((c) => c.name === name);
  if (!command) {
    if (!name) throw new UsageError(usage());
    const near = nearest(name, commands);
    throw new UsageError(`unknown command "${name}"${near ? ` (did you mean \`warp ${near}\`?)` : ''}\n${usage()}`);
  }
  if (!command.subcommands) return [command];
  const sub = command.subcommands.find((c) => c.name === subName);
  if (!sub && subName) {
    const near = nearest(subName, command.subcommands);
    if (near)
      throw new UsageError(
        `${name}: unknown subcommand "${subName}" (did you mean \`warp ${name} ${near}\`?); see \`warp ${name} --help\``,
      );
  }
  return sub ? [command, sub] : [command];
}

function checkArguments(command: Command, name: string, positionals: readonly string[]): void {
  const specs = command.arguments ?? [];
  const required = specs.filter((a) => !a.optional);
  const help = `see \`warp ${name} --help\``;
  if (positionals.length < required.length) {
    const missing = required.slice(positionals.length).map((a) => `<${a.name}>`);
    throw new UsageError(`${name}: missing ${missing.join(' ')}; usage: ${command.usage}`);
  }
  if (!specs.at(-1)?.variadic && positionals.length > specs.length) {
    throw new UsageError(
      `${name}: unexpected argument ${JSON.stringify(positionals[specs.length])}` +
        `${command.subcommands ? ` (subcommands: ${command.subcommands.map((c) => c.name).join(', ')})` : ''}; ${help}`,
    );
  }
}

/** Splits argv into a command and its checked arguments; `--help` anywhere asks for that command's help. */
export function parseCli(argv: readonly string[], commands: readonly Command[] = COMMANDS): CliRequest {
  const path = resolvePath(argv, commands);
  const command = path.at(-1)!;
  const name = path.map((c) => c.name).join(' ');
  const beforeDashes = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  if (beforeDashes.includes('--help') || beforeDashes.includes('-h'))
    return { help: commandHelp(path, GLOBAL_OPTIONS) };
  if (command.subcommands) throw new UsageError(`${name}: name a subcommand; see \`warp ${name} --help\``);

  const declared = command.options !== undefined || command.arguments !== undefined;
  const options = declared ? { ...toParseArgs(GLOBAL_OPTIONS), ...toParseArgs(command.options ?? {}) } : LEGACY_OPTIONS;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: declared, options });
  } catch (error) {
    throw parseError(error, name, Object.keys(options));
  }
  const positionals = parsed.positionals.slice(path.length);
  if (declared) checkArguments(command, name, positionals);
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values['as'] !== undefined) checkWithTool(setHandleTool, { handle: values['as'] }, { handle: '--as' });
  return { command, path, positionals, options: values };
}

export async function runCli(
  app: WarpApi,
  parsed: ParsedCli,
  context: Omit<CliContext, 'app' | 'json'>,
): Promise<number> {
  const ctx: CliContext = { ...context, app, json: Boolean(parsed.options['json']) };
  try {
    await parsed.command.run(ctx, { positionals: parsed.positionals, options: parsed.options });
  } catch (error) {
    if (!(error instanceof UsageError) || error.message.includes('--help')) throw error;
    const name = parsed.path.map((c) => c.name).join(' ');
    throw new UsageError(`${error.message}\nsee \`warp ${name} --help\``);
  }
  return EXIT.ok;
}
