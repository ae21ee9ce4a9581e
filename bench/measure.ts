import { performance } from 'node:perf_hooks';

export interface Timing {
  readonly label: string;
  readonly ops: number;
  readonly totalMs: number;
  /** Mean cost of one operation in microseconds. */
  readonly perOpUs: number;
}

/** Runs `op` sequentially `ops` times after a short warm-up and reports the mean cost. */
export async function time(
  label: string,
  ops: number,
  op: (i: number) => Promise<unknown>,
  warmup = Math.min(50, ops),
): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await op(-1 - i);
  const start = performance.now();
  for (let i = 0; i < ops; i++) await op(i);
  const totalMs = performance.now() - start;
  return { label, ops, totalMs, perOpUs: (totalMs * 1000) / ops };
}

/**
 * Times `raw` and `warp` in alternating rounds, so drift on a busy machine (other
 * processes, GC, the server's own work) hits both sides alike; each side's cost is the
 * median of its rounds, which a burst of noise in one round does not move.
 */
export async function timeSideBySide(
  ops: number,
  raw: (i: number) => Promise<unknown>,
  warp: (i: number) => Promise<unknown>,
  rounds = 10,
): Promise<[Timing, Timing]> {
  const per = Math.ceil(ops / rounds);
  const rawCosts: number[] = [];
  const warpCosts: number[] = [];
  for (let round = 0; round < rounds; round++) {
    rawCosts.push((await time('raw', per, raw, round === 0 ? undefined : 0)).perOpUs);
    warpCosts.push((await time('warp', per, warp, round === 0 ? undefined : 0)).perOpUs);
  }
  const timing = (label: string, costs: number[]): Timing => {
    const perOpUs = median(costs);
    return { label, ops: per * rounds, totalMs: (perOpUs * per * rounds) / 1000, perOpUs };
  };
  return [timing('raw', rawCosts), timing('warp', warpCosts)];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Measures a block that does `ops` operations its own way (e.g. a pool of workers). */
export async function timeBlock(label: string, ops: number, block: () => Promise<unknown>): Promise<Timing> {
  const start = performance.now();
  await block();
  const totalMs = performance.now() - start;
  return { label, ops, totalMs, perOpUs: (totalMs * 1000) / ops };
}

export const fmt = (n: number, digits = 1): string => n.toFixed(digits);

export interface Row {
  readonly name: string;
  readonly raw: string;
  readonly warp: string;
  readonly ratio: string;
  readonly target: string;
  readonly ok: boolean;
}

export function printTable(rows: readonly Row[]): void {
  const header = ['measurement', 'raw NATS', 'Warp', 'ratio', 'target', ''];
  const lines = rows.map((r) => [r.name, r.raw, r.warp, r.ratio, r.target, r.ok ? 'ok' : 'MISSED']);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const render = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  process.stdout.write(`${render(header)}\n| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |\n`);
  for (const l of lines) process.stdout.write(`${render(l)}\n`);
}

/** Publishes `count` items with at most `window` in flight. */
export async function pipelined(count: number, window: number, op: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) await op(next++);
  };
  await Promise.all(Array.from({ length: Math.min(window, count) }, lane));
}

export const progress = (text: string): void => void process.stderr.write(`bench: ${text}\n`);
