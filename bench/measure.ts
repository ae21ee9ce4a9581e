import { performance } from 'node:perf_hooks';

export interface Timing {
  readonly label: string;
  readonly ops: number;
  readonly totalMs: number;
  /** Mean cost of one operation in microseconds. */
  readonly perOpUs: number;
}

/** Runs `op` sequentially `ops` times after a short warm-up and reports the mean cost. */
export async function time(label: string, ops: number, op: (i: number) => Promise<unknown>, warmup = Math.min(50, ops)): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await op(-1 - i);
  const start = performance.now();
  for (let i = 0; i < ops; i++) await op(i);
  const totalMs = performance.now() - start;
  return { label, ops, totalMs, perOpUs: (totalMs * 1000) / ops };
}

/**
 * Times `raw` and `warp` in alternating rounds, so drift on a busy machine (other
 * processes, GC, the server's own compaction) hits both sides alike.
 */
export async function timeSideBySide(ops: number, raw: (i: number) => Promise<unknown>, warp: (i: number) => Promise<unknown>, rounds = 4): Promise<[Timing, Timing]> {
  const per = Math.ceil(ops / rounds);
  let rawMs = 0;
  let warpMs = 0;
  for (let round = 0; round < rounds; round++) {
    rawMs += (await time('raw', per, raw, round === 0 ? undefined : 0)).totalMs;
    warpMs += (await time('warp', per, warp, round === 0 ? undefined : 0)).totalMs;
  }
  const timing = (label: string, totalMs: number): Timing => ({ label, ops: per * rounds, totalMs, perOpUs: (totalMs * 1000) / (per * rounds) });
  return [timing('raw', rawMs), timing('warp', warpMs)];
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
