import type { ProcessProbe } from '../../ports/index.js';

/** Pretend processes for sessions that share one real process (tests, demos): alive until ended. */
export class MemoryProcessProbe implements ProcessProbe {
  private readonly ended = new Set<number>();

  isAlive(pid: number): boolean {
    return pid > 0 && !this.ended.has(pid);
  }

  /** The process died (e.g. SIGKILL). */
  end(pid: number): void {
    this.ended.add(pid);
  }
}
