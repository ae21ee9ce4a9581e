import type { ProcessProbe } from '../../ports/index.js';

/** Signal 0 checks that a process exists without touching it. */
export class OsProcessProbe implements ProcessProbe {
  isAlive(pid: number): boolean {
    // 0 and negative pids name process groups, never one agent.
    if (!Number.isSafeInteger(pid) || pid <= 0) return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      // EPERM: it exists but belongs to another user.
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
}
