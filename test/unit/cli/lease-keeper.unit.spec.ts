import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WarpApi } from '../../../src/application/index.js';
import { LeaseKeeper, type LeaseKeeperEvents } from '../../../src/adapters/cli/worker/lease-keeper.js';
import type { ProgressLine } from '../../../src/adapters/cli/worker/work-output.js';
import { NotTheHolder } from '../../../src/domain/index.js';
import { BackendUnavailable } from '../../../src/ports/index.js';

interface Report {
  readonly at: number;
  readonly progress: number;
  readonly message?: string;
}

/** A stand-in for the one call the keeper makes; each answer is settled by the test. */
function stubApi() {
  const reports: Report[] = [];
  const answers: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  const app = {
    reportWorkProgress: (input: { progress: number; message?: string }) => {
      reports.push({
        at: Date.now(),
        progress: input.progress,
        ...(input.message !== undefined ? { message: input.message } : {}),
      });
      return new Promise((resolve, reject) => answers.push({ resolve: () => resolve({}), reject }));
    },
  } as unknown as WarpApi;
  return { app, reports, answers };
}

function recorder() {
  const seen = { reported: [] as ProgressLine[], lost: [] as Error[], trouble: [] as unknown[] };
  const events: LeaseKeeperEvents = {
    reported: (p) => seen.reported.push(p),
    lost: (e) => seen.lost.push(e),
    trouble: (e) => seen.trouble.push(e),
  };
  return { seen, events };
}

const LEASE = 9_000;

describe('LeaseKeeper', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('renews the lease every third of it while nothing else is reported, with the latest progress', async () => {
    const { app, reports, answers } = stubApi();
    const { events } = recorder();
    const keeper = new LeaseKeeper(app, 'w-1', LEASE, events);
    await vi.advanceTimersByTimeAsync(2_999);
    expect(reports).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(reports).toEqual([{ at: 3_000, progress: 0 }]);
    answers.shift()!.resolve();
    await vi.advanceTimersByTimeAsync(0);

    keeper.progress({ percent: 40, note: 'compiling' });
    expect(reports.at(-1)).toEqual({ at: 3_000, progress: 40, message: 'compiling' });
    await vi.advanceTimersByTimeAsync(500);
    answers.shift()!.resolve();
    // The next renewal is a third of the lease after the last report was answered, and repeats 40%.
    await vi.advanceTimersByTimeAsync(2_999);
    expect(reports).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(reports.at(-1)).toEqual({ at: 6_500, progress: 40 });
    answers.shift()!.resolve();
    await keeper.close();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(reports).toHaveLength(3);
  });

  it("sends one report at a time and, of the command's lines that came meanwhile, the newest", async () => {
    const { app, reports, answers } = stubApi();
    const { seen, events } = recorder();
    const keeper = new LeaseKeeper(app, 'w-1', LEASE, events);
    keeper.progress({ percent: 10 });
    keeper.progress({ percent: 20 });
    keeper.progress({ percent: 30, note: 'newest' });
    expect(reports.map((r) => r.progress)).toEqual([10]);
    answers.shift()!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(reports.map((r) => r.progress)).toEqual([10, 30]);
    answers.shift()!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.reported).toEqual([{ percent: 10 }, { percent: 30, note: 'newest' }]);
    await keeper.close();
  });

  it('tries again after a failure that may pass, sooner than a renewal, and keeps the line it could not send', async () => {
    const { app, reports, answers } = stubApi();
    const { seen, events } = recorder();
    const keeper = new LeaseKeeper(app, 'w-1', LEASE, events);
    keeper.progress({ percent: 50, note: 'half' });
    answers.shift()!.reject(new BackendUnavailable('NATS is away'));
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.trouble).toHaveLength(1);
    expect(reports).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reports.at(-1)).toEqual({ at: 1_000, progress: 50, message: 'half' });
    answers.shift()!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.reported).toEqual([{ percent: 50, note: 'half' }]);
    await keeper.close();
  });

  it('stops when the item is no longer its own, and says so', async () => {
    const { app, reports, answers } = stubApi();
    const { seen, events } = recorder();
    const keeper = new LeaseKeeper(app, 'w-1', LEASE, events);
    await vi.advanceTimersByTimeAsync(3_000);
    answers.shift()!.reject(new NotTheHolder('w-1', 'me', 'claimed'));
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.lost.map((e) => e.message)).toEqual([expect.stringContaining('held by another agent')]);
    keeper.progress({ percent: 90 });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(reports).toHaveLength(1);
    await keeper.close();
  });
});
