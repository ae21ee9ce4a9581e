import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { WarpApi } from '../src/application/index.js';

/** One session of the load: its port and how to close it. */
export interface LoadSession {
  readonly app: WarpApi;
  close(): Promise<void>;
}

export interface HubLoadOptions {
  /** Opens one session of the namespace (a thin session, as an MCP server opens it). */
  readonly open: () => Promise<LoadSession>;
  readonly sessions: number;
  /** Items to finish in all. */
  readonly items: number;
  /** The hubs' pids, for their resident memory as history grows. */
  readonly hubPids: () => readonly number[];
  /** Called with the items finished so far, about every 1% of them. */
  readonly onProgress?: (finished: number) => void;
}

export interface HubLoadResult {
  readonly failed: number;
  /** The first few failures, word for word. */
  readonly failures: readonly string[];
  readonly offered: ReadonlySet<string>;
  readonly completed: ReadonlySet<string>;
  /** Items per second in the first and the last tenth. */
  readonly firstTenth: number;
  readonly lastTenth: number;
  readonly latencies: Readonly<Record<string, { p50: number; p99: number }>>;
  /** Summed resident memory of the hubs (MiB) when a quarter, half and all of the items were finished. */
  readonly hubRssMiB: Readonly<Record<string, number>>;
  readonly seconds: number;
}

const CAPABILITY = 'load';

/**
 * `sessions` agents offer, claim and complete work at full speed until `items` are finished, the
 * way a busy team's agents use the queue. A failed call is counted (never retried by the load:
 * Warp asks again itself); what each session was told is kept, to check against the store.
 */
export async function runHubLoad(options: HubLoadOptions): Promise<HubLoadResult> {
  const sessions = await Promise.all(Array.from({ length: options.sessions }, () => options.open()));
  const samples = new Map<string, number[]>();
  const failures: string[] = [];
  let failed = 0;
  const offered = new Set<string>();
  const completed = new Set<string>();
  const finishedAt: number[] = [];
  const hubRssMiB: Record<string, number> = {};
  const marks = new Map([
    [Math.floor(options.items / 4), '25%'],
    [Math.floor(options.items / 2), '50%'],
    [options.items, '100%'],
  ]);
  const step = Math.max(1, Math.floor(options.items / 100));
  const timed = async <T>(tool: string, call: () => Promise<T>): Promise<T | undefined> => {
    const start = performance.now();
    try {
      const result = await call();
      (samples.get(tool) ?? samples.set(tool, []).get(tool)!).push(performance.now() - start);
      return result;
    } catch (error) {
      failed++;
      if (failures.length < 5) failures.push(`${tool}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  };
  const started = performance.now();
  try {
    await Promise.all(
      sessions.map(async (s, i) => {
        await s.app.setHandle({ handle: `load-${i}` });
        await s.app.registerAgent({ agentType: 'load', capabilities: [CAPABILITY] });
      }),
    );
    let next = 0;
    await Promise.all(
      sessions.map(async ({ app }, i) => {
        while (completed.size < options.items) {
          if (next < options.items) {
            const n = next++;
            const offer = await timed('broadcast_work_offer', () =>
              app.broadcastWorkOffer({ taskId: `load-${n}`, description: `item ${n}`, requiredCapability: CAPABILITY }),
            );
            if (offer) offered.add(offer.workItem.workItemId);
          }
          const claim = await timed('claim_work', () => app.claimWork({ capability: CAPABILITY, timeout: 500 }));
          if (!claim?.claimed) continue;
          const id = claim.workItem.workItemId;
          const done = await timed('complete_work', () => app.completeWork({ workItemId: id, result: { by: i } }));
          if (!done || completed.has(id)) continue;
          completed.add(id);
          finishedAt.push(performance.now());
          if (completed.size % step === 0) options.onProgress?.(completed.size);
          const mark = marks.get(completed.size);
          if (mark) hubRssMiB[mark] = options.hubPids().reduce((sum, pid) => sum + rssMiB(pid), 0);
        }
      }),
    );
  } finally {
    await Promise.all(sessions.map((s) => s.close()));
  }
  const seconds = (performance.now() - started) / 1000;
  const tenth = Math.max(1, Math.floor(finishedAt.length / 10));
  const rate = (from: number, to: number): number =>
    (to - from) / Math.max(0.001, (finishedAt[to - 1]! - (from > 0 ? finishedAt[from - 1]! : started)) / 1000);
  return {
    failed,
    failures,
    offered,
    completed,
    firstTenth: rate(0, tenth),
    lastTenth: rate(finishedAt.length - tenth, finishedAt.length),
    latencies: Object.fromEntries([...samples].map(([tool, ms]) => [tool, percentiles(ms)])),
    hubRssMiB,
    seconds,
  };
}

function percentiles(values: number[]): { p50: number; p99: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: at(0.5), p99: at(0.99) };
}

function rssMiB(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmRSS:'));
    return line ? Number(/(\d+)\s*kB/.exec(line)![1]) / 1024 : 0;
  } catch {
    return 0;
  }
}
