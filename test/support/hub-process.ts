import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { killWithTests } from './nats-server.js';
import { BIN } from './stdio-agent.js';

const READY_MS = 30_000;
const STOP_MS = 10_000;

/** Whether a process still runs (a zombie waiting to be reaped has exited): for hubs no test started itself. */
export function processRunning(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** A built `warp hub` process on a test's nats-server, its log captured. */
export class HubProcess {
  private log = '';
  private readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    child.stderr?.on('data', (chunk: Buffer) => void (this.log += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** Starts `warp hub` with `env` (NATS_URL at least) and resolves once it serves. */
  static async start(env: Record<string, string>): Promise<HubProcess> {
    const child = spawn(process.execPath, [BIN, 'hub'], {
      // At INFO at least: readiness is read from the log.
      env: { ...process.env, ...env, LOG_LEVEL: env['LOG_LEVEL'] === 'DEBUG' ? 'DEBUG' : 'INFO' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    killWithTests(child);
    const hub = new HubProcess(child);
    await hub.logged(/hub serving/, READY_MS);
    return hub;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether it still runs (not stopped, killed or exited). */
  running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Everything the hub logged so far. */
  stderr(): string {
    return this.log;
  }

  /** Resolves once the log matches `pattern`; rejects after `timeoutMs` or when the hub exits first. */
  logged(pattern: RegExp, timeoutMs = READY_MS): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!pattern.test(this.log)) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`warp hub did not log ${pattern} within ${timeoutMs} ms; its log:\n${this.log}`));
      }, timeoutMs);
      const exited = (): void => {
        done();
        reject(new Error(`warp hub exited before logging ${pattern}; its log:\n${this.log}`));
      };
      const done = (): void => {
        clearTimeout(timer);
        this.child.stderr?.off('data', check);
        this.child.off('exit', exited);
      };
      this.child.stderr?.on('data', check);
      this.child.once('exit', exited);
      check();
    });
  }

  /** Kills it at once, as a crash would (SIGKILL), and resolves once it is gone. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Asks it to stop (SIGTERM); kills it if it has not stopped in time. Resolves with its exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_MS);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
