import type { Reply } from './hub-protocol.js';

/** How long a hub remembers what it answered a request id, for repeats of it. */
const REPEAT_WINDOW_MS = 120_000;
const REPEATS_KEPT = 10_000;
/** Expired answers are swept at most this often: under load many expire each second. */
const SWEEP_SLACK_MS = 1_000;

/**
 * What this hub answered each request id of late: a repeat (the session asked again, its answer late
 * or lost) waits for the first to be decided and gets its outcome instead of a second effect (ADR
 * 0037). A deferred answer counts once its append is stored; one refused, failed for want of NATS
 * or never decided leaves the repeat to be decided anew.
 *
 * Memory follows the requests of the last window, not the hub's history (ADR 0041): answers are
 * kept as the JSON they were sent as (a fraction of the objects' size), and a timer forgets each
 * once its window has passed, so a quiet hub holds none.
 */
export class Repeats {
  private readonly deciding = new Map<string, Promise<Reply | undefined>>();
  /** Oldest first: a Map iterates in insertion order, and `keep` inserts each answer anew. */
  private readonly answered = new Map<string, { readonly json: string; readonly at: number }>();
  private sweep: NodeJS.Timeout | undefined;

  constructor(
    private readonly windowMs = REPEAT_WINDOW_MS,
    private readonly capacity = REPEATS_KEPT,
  ) {}

  /** Answers remembered now (for tests and stats). */
  held(): number {
    return this.answered.size;
  }

  take(key: string): { readonly earlier: Promise<Reply | undefined>; done(outcome: Promise<Reply | undefined>): void } {
    this.forgetExpired();
    const kept = this.answered.get(key);
    const earlier = kept
      ? Promise.resolve(JSON.parse(kept.json) as Reply)
      : (this.deciding.get(key) ?? Promise.resolve(undefined));
    let decided!: (reply: Reply | undefined) => void;
    const mine = new Promise<Reply | undefined>((resolve) => (decided = resolve));
    this.deciding.set(key, mine);
    return {
      earlier,
      done: (outcome) =>
        void outcome.then((reply) => {
          if (this.deciding.get(key) === mine) this.deciding.delete(key);
          if (reply) this.keep(key, reply);
          decided(reply);
        }),
    };
  }

  private keep(key: string, reply: Reply): void {
    this.answered.delete(key);
    if (this.answered.size >= this.capacity) this.answered.delete(this.answered.keys().next().value!);
    this.answered.set(key, { json: JSON.stringify(reply), at: Date.now() });
    this.armSweep();
  }

  private forgetExpired(): void {
    const now = Date.now();
    for (const [key, { at }] of this.answered) {
      if (now - at <= this.windowMs) break;
      this.answered.delete(key);
    }
  }

  /**
   * Forgets the oldest answer once its window has passed, and so on while any is kept. The timer
   * keeps no process alive, and none runs while nothing is kept (nothing to stop with the hub).
   */
  private armSweep(): void {
    if (this.sweep) return;
    const oldest = this.answered.values().next().value;
    if (!oldest) return;
    const due = Math.max(0, oldest.at + this.windowMs - Date.now());
    this.sweep = setTimeout(() => {
      this.sweep = undefined;
      this.forgetExpired();
      this.armSweep();
    }, due + SWEEP_SLACK_MS);
    this.sweep.unref();
  }
}
