import type { WarpApi } from '../../application/index.js';
import type { HubSummary } from '../hub/hub-directory.js';
import { UsageError } from './exit-codes.js';

export interface CliContext {
  /** Opened on first use, so `--help`, usage errors and `warp doctor` never touch the backend. */
  readonly app: WarpApi;
  readonly json: boolean;
  readonly out: (line: string) => void;
  /** Stops a long-running command (read --follow) on SIGINT/SIGTERM or a closed stdout. */
  readonly signal: AbortSignal;
  /** The process environment the command runs with (doctor inspects it). */
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** The hubs answering on this session's NATS (none listed in memory mode). */
  readonly hubs?: () => Promise<readonly HubSummary[]>;
}

export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly options: Readonly<Record<string, string | boolean | undefined>>;
}

/** The process's own streams, for commands that run without a backend. */
export interface StandaloneIo {
  /** Everything on stdin (empty when it is a terminal), at most `limit` bytes. */
  readStdin(limit: number): Promise<string>;
  out(text: string): Promise<void>;
}

/** An option a command accepts; `value` names its argument in help (`--limit N`), booleans have none. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly value?: string;
  readonly help: string;
}

export interface ArgumentSpec {
  readonly name: string;
  readonly help: string;
  readonly optional?: boolean;
  /** Takes the rest of the words (a message): at least one unless optional. */
  readonly variadic?: boolean;
}

/**
 * One `warp <name>` command. Commands that declare `options` and `arguments` are parsed
 * strictly (an unknown option or a missing/extra argument is a usage error, exit 64) and get
 * a full `--help`; a command without declarations receives its arguments unchecked.
 */
export interface Command {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  readonly options?: Readonly<Record<string, OptionSpec>>;
  readonly arguments?: readonly ArgumentSpec[];
  /** `warp work offer`, `warp dlq retry`: the first argument picks one of these. */
  readonly subcommands?: readonly Command[];
  /** Extra help lines: defaults, examples, what the output means. */
  readonly details?: readonly string[];
  /**
   * Runs as a live agent (`warp worker`), not a one-off command: it holds its handle as an MCP
   * session does, so no other session or command can act as it while it runs.
   */
  readonly agent?: boolean;
  /** How long it may take to end after SIGINT/SIGTERM before it is cut short (default 1 s). */
  readonly interruptGraceMs?: number;
  run(ctx: CliContext, args: ParsedArgs): Promise<unknown>;
  /** Runs instead of `run`, before Warp's environment is read or a backend opened (hooks, setup); returns the exit code. */
  standalone?(argv: readonly string[], io: StandaloneIo): Promise<number>;
}

/** Prints a result as JSON (--json) or as the command's human rendering. */
export function emit(ctx: CliContext, value: unknown, human: () => string[]): void {
  if (ctx.json) ctx.out(JSON.stringify(value));
  else for (const line of human()) ctx.out(line);
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const raw = args.options[name];
  return typeof raw === 'string' ? raw : undefined;
}

/** A command made of subcommands (`warp work offer`); alone, it is a usage error that lists them. */
export const group = (
  name: string,
  summary: string,
  subcommands: readonly Command[],
  details?: readonly string[],
): Command => ({
  name,
  usage: `warp ${name} ${subcommands.map((c) => c.name).join('|')} ...`,
  summary,
  subcommands,
  ...(details ? { details } : {}),
  async run() {
    throw new UsageError(
      `${name}: name a subcommand (${subcommands.map((c) => c.name).join(', ')}); see \`warp ${name} --help\``,
    );
  },
});
