import type { ServerResponse } from 'node:http';
import type { DashboardSnapshot } from './dashboard-snapshot.js';

export interface SnapshotStreamOptions {
  /** How often the state is read while a browser watches; presence goes stale with time, not events. */
  readonly intervalMs: number;
  /** Least time between the starts of two reads: a busy channel costs at most this many reads. */
  readonly minGapMs: number;
  /** SSE comment so proxies and browsers keep an idle stream open. */
  readonly keepAliveMs: number;
  readonly onError: (error: unknown) => void;
}

/** What changed between two snapshots: everything but the server time. */
const contentKey = (s: DashboardSnapshot): string => JSON.stringify({ ...s, now: undefined });

/**
 * Server-sent events to every open dashboard: a snapshot when anything shown changed.
 * Reads run one at a time; a nudge (a live notice, an operator action) asks for one now.
 */
export class SnapshotStream {
  private readonly clients = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | undefined;
  private keepAlive: NodeJS.Timeout | undefined;
  private reading = false;
  private again = false;
  private lastStart = 0;
  private scheduled: NodeJS.Timeout | undefined;
  private lastKey: string | undefined;
  private failing = false;

  constructor(
    private readonly build: () => Promise<DashboardSnapshot>,
    private readonly options: SnapshotStreamOptions,
  ) {}

  add(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write('retry: 1000\n\n');
    this.clients.add(res);
    // A new browser gets a fresh read (never the last frame: its `now` would set the browser's
    // clock back), and hears of an outage already under way.
    this.lastKey = undefined;
    this.failing = false;
    res.on('close', () => {
      this.clients.delete(res);
      if (this.clients.size === 0) this.stopTimers();
    });
    this.startTimers();
    this.nudge();
  }

  /** Reads soon (after the read in progress, at least minGapMs after the last) and sends what changed. */
  nudge(): void {
    if (this.clients.size === 0 || this.scheduled) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    const wait = this.lastStart + this.options.minGapMs - Date.now();
    if (wait > 0) {
      this.scheduled = setTimeout(() => {
        this.scheduled = undefined;
        this.nudge();
      }, wait);
      return;
    }
    this.reading = true;
    this.lastStart = Date.now();
    void this.refresh().finally(() => {
      this.reading = false;
      if (this.again) {
        this.again = false;
        this.nudge();
      }
    });
  }

  close(): void {
    clearTimeout(this.scheduled);
    this.scheduled = undefined;
    this.stopTimers();
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private async refresh(): Promise<void> {
    try {
      const snapshot = await this.build();
      this.failing = false;
      const key = contentKey(snapshot);
      if (key === this.lastKey) return;
      this.lastKey = key;
      this.broadcast(`event: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`);
    } catch (error) {
      // Said once per outage, so a dashboard shows the problem without a flood of frames.
      if (this.failing) return;
      this.failing = true;
      this.lastKey = undefined;
      this.options.onError(error);
      const message = error instanceof Error ? error.message : String(error);
      this.broadcast(`event: problem\ndata: ${JSON.stringify({ message })}\n\n`);
    }
  }

  private broadcast(frame: string): void {
    for (const res of this.clients) res.write(frame);
  }

  private startTimers(): void {
    this.timer ??= setInterval(() => this.nudge(), this.options.intervalMs);
    this.keepAlive ??= setInterval(() => this.broadcast(': keep-alive\n\n'), this.options.keepAliveMs);
  }

  private stopTimers(): void {
    clearInterval(this.timer);
    clearInterval(this.keepAlive);
    this.timer = undefined;
    this.keepAlive = undefined;
  }
}
