import type { Clock } from '../../ports/index.js';

interface Sleeper {
  readonly at: number;
  readonly wake: () => void;
}

/** A clock that moves only when told to, so leases and staleness are tested without sleeping. */
export class VirtualClock implements Clock {
  private sleepers: Sleeper[] = [];

  constructor(private current = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted || ms <= 0) return resolve();
      const sleeper: Sleeper = {
        at: this.current + ms,
        wake: () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          signal?.removeEventListener('abort', sleeper.wake);
          resolve();
        },
      };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', sleeper.wake, { once: true });
    });
  }

  /** Moves time forward and wakes every sleeper that is due; lets their continuations run. */
  async advance(ms: number): Promise<void> {
    this.current += ms;
    for (const sleeper of this.sleepers.filter((s) => s.at <= this.current)) sleeper.wake();
    await new Promise((resolve) => setImmediate(resolve));
  }

  /** How many sleepers wait; tests use it to know a waiting call has started waiting. */
  get waiting(): number {
    return this.sleepers.length;
  }
}
