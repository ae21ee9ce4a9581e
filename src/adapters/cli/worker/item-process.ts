import { spawn } from 'node:child_process';
import { MAX_WORK_NOTE_BYTES } from '../../../domain/index.js';
import { parseProgressLine, RESULT_CHARS, TextTail, type ProgressLine } from './work-output.js';

/** How a command run for one work item ended. */
export interface ItemExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Its stdout without the `::progress` lines: the newest part, and how many characters came before. */
  readonly stdout: { readonly text: string; readonly dropped: number };
  /** The end of its stderr. */
  readonly stderr: string;
  /** Set when it could not be started at all (not found, not executable). */
  readonly spawnError?: string;
}

/** A command running for one work item, in a process group of its own. */
export interface ItemProcess {
  /** Resolves once it has exited and its output is read; never rejects. */
  readonly exited: Promise<ItemExit>;
  /** SIGTERM now, SIGKILL after `graceMs` if it still runs; true when it was still running. */
  stop(graceMs: number): boolean;
  /** SIGKILL now. */
  kill(): void;
}

export interface ItemCommand {
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** Written to its stdin, which is then closed. */
  readonly input: string;
  readonly cwd?: string;
  readonly onProgress: (progress: ProgressLine) => void;
}

/** A progress line is short: a longer line without its newline yet is output, kept in the tail. */
const MAX_PENDING_LINE = 8_192;

/**
 * Runs `argv` for one item. It gets a process group of its own, so a stop reaches what it
 * started too (`sh -c` and its children), and whatever it leaves running when it exits is ended
 * with it: otherwise a leftover holding stdout open would keep the item from finishing.
 */
export function startItemCommand(command: ItemCommand): ItemProcess {
  const [file, ...args] = command.argv;
  const stdout = new TextTail(RESULT_CHARS);
  const stderr = new TextTail(MAX_WORK_NOTE_BYTES);
  let pending = '';
  const line = (text: string): void => {
    const progress = parseProgressLine(text);
    if (progress) command.onProgress(progress);
    else stdout.append(`${text}\n`);
  };

  const child = spawn(file!, args, {
    env: command.env,
    ...(command.cwd ? { cwd: command.cwd } : {}),
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let running = child.pid !== undefined;
  const signalGroup = (signal: NodeJS.Signals): void => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  let killTimer: NodeJS.Timeout | undefined;

  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop()!;
    for (const text of lines) line(text);
    if (pending.length > MAX_PENDING_LINE) {
      stdout.append(pending);
      pending = '';
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => stderr.append(chunk));
  // A command that does not read its stdin closes it: that is no failure of the item.
  child.stdin.on('error', () => undefined);
  child.stdin.end(command.input);

  let spawnError: string | undefined;
  const finish = (code: number | null, signal: NodeJS.Signals | null): ItemExit => {
    clearTimeout(killTimer);
    if (pending) line(pending);
    pending = '';
    return {
      code: spawnError === undefined ? code : null,
      signal,
      stdout: stdout.read(),
      stderr: stderr.read().text,
      ...(spawnError !== undefined ? { spawnError } : {}),
    };
  };
  // A process that never started emits its error, then the close of its pipes (no exit).
  child.once('error', (error) => void (spawnError = error.message));
  child.once('exit', () => {
    running = false;
    signalGroup('SIGKILL');
  });
  const exited = new Promise<ItemExit>((resolve) =>
    child.once('close', (code, signal) => resolve(finish(code, signal))),
  );

  return {
    exited,
    stop(graceMs) {
      if (!running) return false;
      signalGroup('SIGTERM');
      killTimer ??= setTimeout(() => signalGroup('SIGKILL'), graceMs);
      return true;
    },
    kill() {
      signalGroup('SIGKILL');
    },
  };
}
