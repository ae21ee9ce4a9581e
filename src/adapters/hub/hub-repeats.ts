import type { Reply } from './hub-protocol.js';

/** How long a hub remembers what it answered a request id, for repeats of it. */
const REPEAT_WINDOW_MS = 120_000;
const REPEATS_KEPT = 10_000;

/**
 * What this hub answered each request id of late: a repeat (the session asked again, its answer late
 * or lost) waits for the first to be decided and gets its outcome instead of a second effect (ADR
 * 0037). A deferred answer counts once its append is stored; one refused, failed for want of NATS
 * or never decided leaves the repeat to be decided anew.
 */
export class Repeats {
  private readonly deciding = new Map<string, Promise<Reply | undefined>>();
  private readonly answered = new Map<string, { readonly reply: Reply; readonly at: number }>();

  take(key: string): { readonly earlier: Promise<Reply | undefined>; done(outcome: Promise<Reply | undefined>): void } {
    const kept = this.answered.get(key);
    if (kept && Date.now() - kept.at > REPEAT_WINDOW_MS) this.answered.delete(key);
    const earlier =
      kept && this.answered.has(key)
        ? Promise.resolve(kept.reply)
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
    // The oldest goes first: a Map iterates in insertion order.
    if (this.answered.size >= REPEATS_KEPT) this.answered.delete(this.answered.keys().next().value!);
    this.answered.set(key, { reply, at: Date.now() });
  }
}
