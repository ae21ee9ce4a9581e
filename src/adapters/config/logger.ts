import type { LogLevel } from './env.js';
import { redactSecrets } from './nats-url.js';

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export interface LoggerOptions {
  /** Where each line goes; stderr, because stdout carries the MCP protocol. */
  readonly write?: (line: string) => void;
  readonly now?: () => Date;
}

const RANK: Readonly<Record<LogLevel, number>> = { DEBUG: 0, INFO: 1, WARN: 2, ERROR: 3 };

function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return value.message;
  if (value === undefined || typeof value === 'bigint' || typeof value === 'symbol' || typeof value === 'function')
    return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value); // cycles
  }
}

/** Bare when unambiguous, else JSON-quoted, so a value never breaks the line or fakes a key. */
const quote = (text: string): string => (/^[^\s"=\\]+$/.test(text) ? text : JSON.stringify(text));

/**
 * One line per entry on stderr: `2026-01-01T00:00:00.000Z INFO message key=value`.
 * Entries below `level` are dropped; known secrets and URL credentials are masked.
 */
export function createLogger(level: LogLevel, secrets: readonly string[] = [], options: LoggerOptions = {}): Logger {
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const now = options.now ?? (() => new Date());
  const mask = (text: string): string => redactSecrets(text, secrets);
  const log =
    (at: LogLevel) =>
    (message: string, fields?: LogFields): void => {
      if (RANK[at] < RANK[level]) return;
      // Mask before quoting too: escaping could hide a secret from the final pass.
      const pairs = Object.entries(fields ?? {}).map(([k, v]) => ` ${k}=${quote(mask(toText(v)))}`);
      const text = mask(message).replace(/\r?\n/g, '\\n');
      write(mask(`${now().toISOString()} ${at} ${text}${pairs.join('')}`) + '\n');
    };
  return { debug: log('DEBUG'), info: log('INFO'), warn: log('WARN'), error: log('ERROR') };
}
