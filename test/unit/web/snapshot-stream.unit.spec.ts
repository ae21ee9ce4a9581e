import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { DashboardSnapshot } from '../../../src/adapters/web/dashboard-snapshot.js';
import { SnapshotStream } from '../../../src/adapters/web/snapshot-stream.js';

/** The part of a ServerResponse the stream writes to, recording the events it receives. */
class Browser extends EventEmitter {
  readonly frames: Array<{ event: string; data: unknown }> = [];
  private waiters: Array<() => void> = [];
  writeHead(): this {
    return this;
  }
  write(chunk: string): boolean {
    const event = /^event: (.*)$/m.exec(chunk)?.[1];
    const data = /^data: (.*)$/m.exec(chunk)?.[1];
    if (event && data) this.frames.push({ event, data: JSON.parse(data) });
    for (const wake of this.waiters.splice(0)) wake();
    return true;
  }
  end(): void {
    this.emit('close');
  }
  async frame(n: number): Promise<{ event: string; data: unknown }> {
    while (this.frames.length < n) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.frames[n - 1]!;
  }
  asResponse(): ServerResponse {
    return this as unknown as ServerResponse;
  }
}

const snapshot = (n: number, now: string): DashboardSnapshot =>
  ({ now, me: { handle: 'operator' }, agents: [], channels: [], work: { n }, deadLetters: {} }) as never;

describe('SnapshotStream', () => {
  let stream: SnapshotStream;
  afterEach(() => stream.close());

  it('sends a snapshot when the content changed, not when only the time did, and a fresh one to each new browser', async () => {
    let content = 1;
    let clock = 0;
    stream = new SnapshotStream(async () => snapshot(content, `t${++clock}`), {
      intervalMs: 600_000,
      minGapMs: 0,
      keepAliveMs: 600_000,
      onError: () => undefined,
    });
    const first = new Browser();
    stream.add(first.asResponse());
    expect(await first.frame(1)).toMatchObject({ event: 'snapshot', data: { work: { n: 1 } } });
    stream.nudge();
    content = 2;
    stream.nudge();
    expect(await first.frame(2)).toMatchObject({ data: { work: { n: 2 } } });

    const second = new Browser();
    stream.add(second.asResponse());
    const fresh = (await second.frame(1)).data as { now: string; work: { n: number } };
    expect(fresh.work.n).toBe(2);
    expect(fresh.now).not.toBe((first.frames[1]!.data as { now: string }).now);
    expect(first.frames.every((f) => f.event === 'snapshot')).toBe(true);
  });

  it('says "problem" once per outage and sends the state again when the backend answers', async () => {
    let down = true;
    const errors: unknown[] = [];
    stream = new SnapshotStream(
      async () => {
        if (down) throw new Error('NATS is unreachable');
        return snapshot(1, 'now');
      },
      { intervalMs: 600_000, minGapMs: 0, keepAliveMs: 600_000, onError: (e) => errors.push(e) },
    );
    const browser = new Browser();
    stream.add(browser.asResponse());
    expect(await browser.frame(1)).toEqual({ event: 'problem', data: { message: 'NATS is unreachable' } });
    stream.nudge();
    down = false;
    stream.nudge();
    expect(await browser.frame(2)).toMatchObject({ event: 'snapshot' });
    expect(browser.frames.map((f) => f.event)).toEqual(['problem', 'snapshot']);
    expect(errors).toHaveLength(1);
  });
});
