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
  const [rawTiming, warpTiming] = (await timeAlternating(ops, [raw, warp], rounds)) as [Timing, Timing];
  return [
    { ...rawTiming, label: 'raw' },
    { ...warpTiming, label: 'warp' },
  ];
}

/**
 * As timeSideBySide, for any number of sides: one timing each, in their order. Each round starts
 * with the next side, so no side always runs right after the same other one.
 */
export async function timeAlternating(
  ops: number,
  sides: ReadonlyArray<(i: number) => Promise<unknown>>,
  rounds = 10,
): Promise<Timing[]> {
  const per = Math.ceil(ops / rounds);
  const costs = sides.map((): number[] => []);
  for (let round = 0; round < rounds; round++)
    for (let k = 0; k < sides.length; k++) {
      const s = (round + k) % sides.length;
      costs[s]!.push((await time(`side ${s}`, per, sides[s]!, round === 0 ? undefined : 0)).perOpUs);
    }
  return costs.map((c, s) => {
    const perOpUs = median(c);
    return { label: `side ${s}`, ops: per * rounds, totalMs: (perOpUs * per * rounds) / 1000, perOpUs };
  });
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
