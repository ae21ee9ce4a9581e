import { setTimeout as pause } from 'node:timers/promises';
import type { WarpApi } from '../../../application/index.js';
import type { WorkItemView } from '../../../application/work/work-view.js';
import { CLAIM_TIMEOUT_MS, DomainError } from '../../../domain/index.js';
import type { ItemExit, ItemProcess } from './item-process.js';
import { LeaseKeeper, lostTheItem } from './lease-keeper.js';
import { exitText, failureOf, resultOf, type ProgressLine } from './work-output.js';

/** What `warp worker` was asked to do (its options, checked). */
export interface WorkerOptions {
  readonly capability: string;
  /** Handle one item, then stop. */
  readonly once: boolean;
  /** Stop after this long with nothing to claim. */
  readonly idleExitMs?: number;
  /** How long one claim waits for an item before the worker asks again. */
  readonly claimWaitMs: number;
  /** Between the command's SIGTERM and its SIGKILL when the worker is stopped. */
  readonly graceMs: number;
}

export interface WorkerIo {
  readonly app: WarpApi;
  /** Starts the command for an item (startItemCommand). */
  readonly start: (item: WorkItemView, onProgress: (progress: ProgressLine) => void) => ItemProcess;
  /** One line on stderr. */
  readonly log: (line: string) => void;
  /** Aborted on the first SIGTERM or SIGINT: claim nothing more, stop the command, give its item back. */
  readonly stop: AbortSignal;
  /** Aborted on the second: the command is killed at once. */
  readonly kill: AbortSignal;
}

export type ItemOutcome = 'completed' | 'failed' | 'interrupted' | 'lost';

export interface WorkerSummary {
  readonly handled: number;
  /** How the newest item ended (with --once, the only one). */
  readonly last?: ItemOutcome;
  readonly why: 'stopped' | 'idle' | 'once';
}

/** The worker's command could not be started: it cannot do any item, so it stops (exit 1). */
export class CommandNotStarted extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandNotStarted';
  }
}

/** After a call failed for a reason that may pass (NATS or the hub away), the next try. */
const RETRY_MS = 1_000;
/** How often finishing an item (complete or fail) is tried before it is left to its lease. */
const FINISH_TRIES = 30;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const oneLine = (text: string, max = 300): string => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
};
const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));
/** Whether a failed call may succeed when asked again: NATS or the hub away, or the hub asking to slow down. */
const mayPass = (error: unknown): boolean =>
  !(error instanceof DomainError) || error.code === 'rate_limited' || error.code === 'busy';

/**
 * The lease length the hub gave the claim, read from the item's history (the claim's `leaseUntil`
 * minus its time, both the hub's clock, so the worker's own clock does not matter). Without the
 * history: what the lease's expiry says by this machine's clock, at least a second.
 */
async function leaseMsOf(app: WarpApi, item: WorkItemView): Promise<number> {
  try {
    const { events } = await app.getWorkItem({ workItemId: item.workItemId });
    for (let i = events.length - 1; i >= 0; i--) {
      // Each kind of event has fields of its own; the view types only the common ones.
      const event: { readonly type: string; readonly at: string; readonly leaseUntil?: unknown } = events[i]!;
      if (event.type !== 'WorkClaimed') continue;
      const ms = typeof event.leaseUntil === 'number' ? event.leaseUntil - Date.parse(event.at) : NaN;
      if (ms > 0) return ms;
      break;
    }
  } catch {
    // The estimate below will do.
  }
  const left = Date.parse(item.leaseExpiresAt ?? '') - Date.now();
  return Number.isFinite(left) ? Math.max(1_000, left) : 1_000;
}

/**
 * `warp worker`: a headless agent over the same WarpApi as every command. It registers with the
 * capability, claims one item at a time, runs the command for it while keeping its lease, and
 * completes or fails it by the command's exit; stopped, it gives the running item back at once.
 */
export class Worker {
  private handled = 0;
  private last: ItemOutcome | undefined;
  private readonly now = (): number => performance.now();

  constructor(
    private readonly io: WorkerIo,
    private readonly options: WorkerOptions,
  ) {}

  async run(): Promise<WorkerSummary> {
    const { app, log, stop } = this.io;
    const { agent } = await app.registerAgent({ agentType: 'worker', capabilities: [this.options.capability] });
    log(`registered ${agent.handle} (worker, capability ${this.options.capability}); waiting for work`);
    const onStop = (): void => log('stopping: no new claims');
    stop.addEventListener('abort', onStop, { once: true });
    try {
      return await this.loop();
    } finally {
      stop.removeEventListener('abort', onStop);
      await app.deregisterAgent().then(
        () => log(`deregistered ${agent.handle}`),
        (error: unknown) => log(`could not deregister ${agent.handle}: ${reason(error)}`),
      );
    }
  }

  private summary(why: WorkerSummary['why']): WorkerSummary {
    return { handled: this.handled, why, ...(this.last ? { last: this.last } : {}) };
  }

  private async loop(): Promise<WorkerSummary> {
    const { app, log, stop } = this.io;
    const { capability, idleExitMs, claimWaitMs } = this.options;
    let idleSince = this.now();
    while (!stop.aborted) {
      const idleLeft = idleExitMs === undefined ? Infinity : idleExitMs - (this.now() - idleSince);
      const timeout = Math.round(Math.max(CLAIM_TIMEOUT_MS.min, Math.min(claimWaitMs, idleLeft)));
      let claim: Awaited<ReturnType<WarpApi['claimWork']>>;
      try {
        claim = await app.claimWork({ capability, timeout });
      } catch (error) {
        if (!mayPass(error)) throw error;
        log(`claim failed: ${oneLine(reason(error))}; trying again`);
        await pause(RETRY_MS, undefined, { signal: stop }).catch(() => undefined);
        continue;
      }
      if (!claim.claimed) {
        if (idleExitMs !== undefined && this.now() - idleSince >= idleExitMs) {
          log(`nothing to claim for ${seconds(idleExitMs)} (--idle-exit): stopping`);
          return this.summary('idle');
        }
        continue;
      }
      const item = claim.workItem;
      if (stop.aborted) {
        // Claimed while stopping: give it back at once rather than leave it to its lease.
        await this.finish(item, 'interrupted', () =>
          app.failWork({ workItemId: item.workItemId, error: 'interrupted: the worker was stopped before it began' }),
        );
        break;
      }
      await this.work(item);
      idleSince = this.now();
      if (this.options.once) return this.summary('once');
    }
    return this.summary('stopped');
  }

  /** Runs the command for one claimed item, keeps its lease, and completes or fails it by the command's exit. */
  private async work(item: WorkItemView): Promise<void> {
    const { app, log, stop, kill } = this.io;
    const id = item.workItemId;
    log(
      `claimed ${id} ${item.taskId} (attempt ${item.attempts}/${item.maxAttempts}): ${oneLine(item.description, 120)}`,
    );
    const started = this.now();
    const leaseMs = await leaseMsOf(app, item);
    let lost: DomainError | undefined;
    const keeper = new LeaseKeeper(app, id, leaseMs, {
      reported: (p) => log(`progress ${id} ${p.percent}%${p.note ? `: ${oneLine(p.note)}` : ''}`),
      // Its work can no longer complete the item: no use letting it go on.
      lost: (error) => {
        lost = error;
        command.kill();
      },
      trouble: (error) => log(`could not report progress on ${id}: ${oneLine(reason(error))}; trying again`),
    });
    const command = this.io.start(item, (progress) => keeper.progress(progress));
    let stoppedBy: string | undefined;
    const onStop = (): void => {
      if (command.stop(this.options.graceMs)) stoppedBy = 'the worker was stopped';
    };
    const onKill = (): void => command.kill();
    stop.addEventListener('abort', onStop);
    kill.addEventListener('abort', onKill);
    if (stop.aborted) onStop();
    let exit: ItemExit;
    try {
      exit = await command.exited;
    } finally {
      stop.removeEventListener('abort', onStop);
      kill.removeEventListener('abort', onKill);
    }
    const took = seconds(this.now() - started);
    try {
      if (lost) {
        log(`lost ${id}: ${oneLine(lost.message)} (its command was stopped)`);
        this.ended('lost');
        return;
      }
      if (exit.spawnError !== undefined) {
        const error = `the worker could not start its command: ${exit.spawnError}`;
        await this.finish(item, 'failed', () => app.failWork({ workItemId: id, error }));
        throw new CommandNotStarted(`${error} (item ${id} was given back)`);
      }
      if (stoppedBy) {
        const error = failureOf(
          `interrupted: ${stoppedBy}; the command ended with ${exitText(exit.code, exit.signal)}`,
          exit.stderr,
        );
        await this.finish(item, 'interrupted', () => app.failWork({ workItemId: id, error }), `after ${took}`);
        return;
      }
      if (exit.code === 0) {
        const result = resultOf(exit.stdout);
        await this.finish(
          item,
          'completed',
          () => app.completeWork({ workItemId: id, ...(result !== undefined ? { result } : {}) }),
          `in ${took}`,
        );
        return;
      }
      const error = failureOf(exitText(exit.code, exit.signal), exit.stderr);
      await this.finish(item, 'failed', () => app.failWork({ workItemId: id, error }), `in ${took}: ${oneLine(error)}`);
    } finally {
      await keeper.close();
    }
  }

  private ended(outcome: ItemOutcome): void {
    this.handled++;
    this.last = outcome;
  }

  /**
   * Completes or fails the item, trying again while the failure may pass (the lease is still kept
   * meanwhile); an item that is no longer ours is reported lost.
   */
  private async finish(
    item: WorkItemView,
    outcome: ItemOutcome,
    call: () => Promise<unknown>,
    detail = '',
  ): Promise<void> {
    const { log, kill } = this.io;
    const id = item.workItemId;
    for (let attempt = 1; ; attempt++) {
      try {
        await call();
        break;
      } catch (error) {
        if (lostTheItem(error)) {
          log(`lost ${id}: ${oneLine(error.message)}`);
          this.ended('lost');
          return;
        }
        if (attempt >= FINISH_TRIES || kill.aborted || !mayPass(error)) {
          log(
            `could not record ${id} as ${outcome}: ${oneLine(reason(error))}; it goes back to the queue when its lease ends`,
          );
          this.ended(outcome === 'completed' ? 'failed' : outcome);
          return;
        }
        await pause(RETRY_MS, undefined, { signal: kill }).catch(() => undefined);
      }
    }
    const what = [outcome, id, detail].filter(Boolean).join(' ');
    log(outcome === 'interrupted' ? `${what}: failed it so another worker takes it now` : what);
    this.ended(outcome);
  }
}
