import { parseArgs } from 'node:util';
import type { WarpApp } from '../../application/index.js';
import type { CliContext, Command } from './command.js';
import { agents, dm, inbox } from './commands/agents.js';
import { channels, read, send } from './commands/channels.js';
import { status } from './commands/status.js';
import { web } from './commands/web.js';
import { dlq, work } from './commands/work.js';
import { EXIT, UsageError } from './exit-codes.js';

export const COMMANDS: readonly Command[] = [send, read, channels, agents, dm, inbox, work, dlq, status, web];

export function usage(): string {
  return [
    'usage: warp [serve]            start the MCP stdio server (what MCP clients run)',
    ...COMMANDS.map((c) => `       ${c.usage.padEnd(60)} ${c.summary}`),
    '',
    'options: --json (machine-readable output)  --as <handle> (act as this handle; default "cli")',
    'exit codes: 0 ok, 1 failed, 2 rejected (bad input, not found, not allowed), 3 backend unavailable, 64 usage',
  ].join('\n');
}

const BOOLEAN_OPTIONS = ['json', 'follow', 'all', 'reset', 'no-retry', 'open'] as const;
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
  'port',
  'host',
] as const;

export interface ParsedCli {
  readonly command: Command;
  readonly positionals: string[];
  readonly options: Record<string, string | boolean | undefined>;
}

/** Splits argv into a command and its arguments; unknown commands are a usage error. */
export function parseCli(argv: readonly string[]): ParsedCli {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: false,
    options: {
      ...Object.fromEntries(BOOLEAN_OPTIONS.map((o) => [o, { type: 'boolean' as const }])),
      ...Object.fromEntries(STRING_OPTIONS.map((o) => [o, { type: 'string' as const }])),
    },
  });
  const [name, ...rest] = positionals;
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new UsageError(name ? `unknown command "${name}"\n${usage()}` : usage());
  return { command, positionals: rest, options: values as Record<string, string | boolean | undefined> };
}

export async function runCli(
  app: WarpApp,
  parsed: ParsedCli,
  signal: AbortSignal,
  out: (line: string) => void,
): Promise<number> {
  const ctx: CliContext = { app, json: Boolean(parsed.options['json']), out, signal };
  await parsed.command.run(ctx, { positionals: parsed.positionals, options: parsed.options });
  return EXIT.ok;
}
