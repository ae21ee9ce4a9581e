import type { WarpApp } from '../../application/index.js';

export interface CliContext {
  readonly app: WarpApp;
  readonly json: boolean;
  readonly out: (line: string) => void;
  /** Stops a long-running command (read --follow) on SIGINT/SIGTERM. */
  readonly signal: AbortSignal;
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

export interface Command {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  run(ctx: CliContext, args: ParsedArgs): Promise<unknown>;
  /** Runs instead of `run`, before Warp's environment is read or a backend opened (hooks, setup); returns the exit code. */
  standalone?(argv: readonly string[], io: StandaloneIo): Promise<number>;
}

/** Prints a result as JSON (--json) or as the command's human rendering. */
export function emit(ctx: CliContext, value: unknown, human: () => string[]): void {
  if (ctx.json) ctx.out(JSON.stringify(value));
  else for (const line of human()) ctx.out(line);
}

export function intOption(args: ParsedArgs, name: string): number | undefined {
  const raw = args.options[name];
  if (raw === undefined || typeof raw === 'boolean') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new TypeError(`--${name} must be a whole number, got "${raw}"`);
  return value;
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const raw = args.options[name];
  return typeof raw === 'string' ? raw : undefined;
}
