import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Repeats } from '../../../src/adapters/hub/hub-repeats.js';
import type { Reply } from '../../../src/adapters/hub/hub-protocol.js';

const reply = (n: number): Reply => ({ ok: true, result: { n }, session: { handle: 'a' } });

/** Decides `key` with `outcome` and resolves once the answer is kept. */
async function answer(repeats: Repeats, key: string, outcome: Reply | undefined): Promise<void> {
  const turn = repeats.take(key);
  await turn.earlier;
  turn.done(Promise.resolve(outcome));
  // `done` keeps the answer once the outcome settles: a turn of the microtask queue.
  await Promise.resolve();
  await Promise.resolve();
}

describe('Repeats: what a hub answered each request id, bounded by the window, not by its history', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('a repeat within the window gets the first answer, as it was sent', async () => {
    const repeats = new Repeats(1_000);
    await answer(repeats, 'c:1', reply(1));
    vi.advanceTimersByTime(1_000);
    expect(await repeats.take('c:1').earlier).toEqual(reply(1));
  });

  it('a quiet hub forgets every answer once its window has passed, without being asked again', async () => {
    const repeats = new Repeats(10_000);
    await answer(repeats, 'c:1', reply(1));
    vi.advanceTimersByTime(5_000);
    await answer(repeats, 'c:2', reply(2));
    expect(repeats.held()).toBe(2);
    // The first's window has ended (and the sweep's second of slack passed); the second's has not.
    vi.advanceTimersByTime(6_000);
    expect(repeats.held()).toBe(1);
    vi.advanceTimersByTime(5_000);
    expect(repeats.held()).toBe(0);
    // Nothing is kept, so no sweep is waiting either.
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a repeat after the window is decided anew', async () => {
    const repeats = new Repeats(1_000);
    await answer(repeats, 'c:1', reply(1));
    vi.advanceTimersByTime(1_001);
    expect(await repeats.take('c:1').earlier).toBeUndefined();
  });

  it('holds at most its capacity, dropping the oldest first', async () => {
    const repeats = new Repeats(60_000, 3);
    for (let n = 1; n <= 5; n++) await answer(repeats, `c:${n}`, reply(n));
    expect(repeats.held()).toBe(3);
    expect(await repeats.take('c:2').earlier).toBeUndefined();
    expect(await repeats.take('c:5').earlier).toEqual(reply(5));
  });

  it('keeps nothing for an outcome left to be decided anew', async () => {
    const repeats = new Repeats(1_000);
    await answer(repeats, 'c:1', undefined);
    expect(repeats.held()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
