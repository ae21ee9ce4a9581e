import type { WarpApi } from '../../../application/index.js';
import { DomainError, renewLeaseEvery } from '../../../domain/index.js';
import type { ProgressLine } from './work-output.js';

interface Report {
  readonly line?: ProgressLine;
  readonly percent: number;
  readonly note?: string;
}

/** After a report that failed for a reason that may pass (NATS away, the hub busy), the next try. */
const RETRY_MS = 1_000;

/** Refusals that mean the item is no longer this worker's: its lease ran out and it moved on, or it is gone. */
export const lostTheItem = (error: unknown): error is DomainError =>
  error instanceof DomainError && ['not_allowed', 'not_found', 'conflict'].includes(error.code);

export interface LeaseKeeperEvents {
  /** A `::progress` line of the command was recorded. */
  reported(progress: ProgressLine): void;
  /** The item is no longer ours: the command's work can no longer complete it. */
  lost(error: DomainError): void;
  /** A report failed for a reason that may pass; it is tried again. */
  trouble(error: unknown): void;
}

/**
 * Keeps a claimed item's lease alive while its command runs, and records the command's progress.
 * A progress report extends the lease by a whole lease (report_work_progress), so the keeper
 * reports the latest progress again whenever a third of the lease has passed without one
 * (renewLeaseEvery). Reports go one at a time; progress that comes while one is under way is
 * sent next, only the newest of it.
 */
export class LeaseKeeper {
  private percent = 0;
  private next: Report | undefined;
  /** A line of the command whose report failed: sent again by the timer unless a newer one goes first. */
  private retry: Report | undefined;
  private sending: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly every: number;

  constructor(
    private readonly app: WarpApi,
    private readonly workItemId: string,
    leaseMs: number,
    private readonly events: LeaseKeeperEvents,
  ) {
    this.every = renewLeaseEvery(leaseMs);
    this.schedule(this.every);
  }

  /** The command reported progress: record it (which also renews the lease). */
  progress(line: ProgressLine): void {
    this.retry = undefined;
    this.next = { line, percent: line.percent, ...(line.note !== undefined ? { note: line.note } : {}) };
    this.pump();
  }

  /** Stops renewing; resolves once a report under way has been answered. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.sending;
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.next ??= this.retry ?? { percent: this.percent };
      this.retry = undefined;
      this.pump();
    }, ms);
  }

  private pump(): void {
    if (this.sending || !this.next || this.closed) return;
    const report = this.next;
    this.next = undefined;
    this.sending = this.app
      .reportWorkProgress({
        workItemId: this.workItemId,
        progress: report.percent,
        ...(report.note !== undefined ? { message: report.note } : {}),
      })
      .then(
        () => {
          this.percent = report.percent;
          if (report.line) this.events.reported(report.line);
          this.schedule(this.every);
        },
        (error: unknown) => {
          if (lostTheItem(error)) {
            this.closed = true;
            clearTimeout(this.timer);
            this.events.lost(error);
            return;
          }
          this.events.trouble(error);
          // The command's own line is worth another try; a renewal is made again by the timer anyway.
          if (report.line) this.retry = report;
          this.schedule(Math.min(RETRY_MS, this.every));
        },
      )
      .finally(() => {
        this.sending = undefined;
        this.pump();
      });
  }
}
