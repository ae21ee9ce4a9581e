import { spawn, type ChildProcess } from 'node:child_process';
import { killWithTests } from './nats-server.js';
import { BIN } from './stdio-agent.js';

const LOG_WAIT_MS = 30_000;

/** A built `warp worker` (or any `warp` command, or a shell script) as a child process, its output captured. */
export class WarpProcess {
  private err = '';
  private out = '';
  private readonly waiters = new Set<() => void>();
  private closed = false;
  /** Its exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    const changed = (): void => {
      for (const wake of [...this.waiters]) wake();
    };
    child.stderr?.on('data', (chunk: Buffer) => {
      this.err += chunk.toString();
      changed();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      this.out += chunk.toString();
      changed();
    });
    this.exited = new Promise((resolve) =>
      // After its output: a line written just before it exits is read first.
      child.once('close', (code) => {
        this.closed = true;
        resolve(code);
        changed();
      }),
    );
  }

  /** `warp <args>` with `env` over the test process's environment. */
  static warp(args: readonly string[], env: Record<string, string>): WarpProcess {
    return WarpProcess.spawn(process.execPath, [BIN, ...args], env);
  }

  static spawn(file: string, args: readonly string[], env: Record<string, string>, cwd?: string): WarpProcess {
    const child = spawn(file, args, {
      env: { ...process.env, LOG_LEVEL: 'WARN', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(cwd !== undefined ? { cwd } : {}),
    });
    killWithTests(child);
    return new WarpProcess(child);
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('the process did not start');
    return this.child.pid;
  }

  stderr(): string {
    return this.err;
  }

  stdout(): string {
    return this.out;
  }

  /** Until it has exited and its output is read. */
  running(): boolean {
    return !this.closed;
  }

  signal(signal: NodeJS.Signals): void {
    process.kill(this.pid, signal);
  }

  /**
   * Resolves with the first match of `pattern` in its stderr once it is there; rejects when the
   * process exits first or after `timeoutMs`, with what it wrote.
   */
  logged(pattern: RegExp, timeoutMs = LOG_WAIT_MS): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const match = pattern.exec(this.err);
        if (match) {
          done();
          resolve(match);
        } else if (!this.running()) {
          done();
          reject(new Error(`exited before logging ${pattern}; stderr:\n${this.err}\nstdout:\n${this.out}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`did not log ${pattern} within ${timeoutMs} ms; stderr:\n${this.err}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Its exit code, failing after `timeoutMs` with what it wrote. */
  async exitCode(timeoutMs = LOG_WAIT_MS): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`still running after ${timeoutMs} ms; stderr:\n${this.err}`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exited, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILL if it still runs, and wait for it. */
  async dispose(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}
