import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HubProcess } from '../test/support/hub-process.js';

/** Node options for a bench's hub: the probe (hub-memory-probe.ts) that reports its memory on SIGUSR2. */
export const HUB_MEMORY_OPTIONS = `--expose-gc --import ${new URL('./hub-memory-probe.js', import.meta.url).href}`;

const LINE = 'warp-bench-memory ';
const ANSWER_MS = 10_000;
/** After a collection V8 hands freed pages back from another thread: resident memory is read once it has. */
const SETTLE_MS = 2_000;

export interface HubMemory {
  /** Heap in use after a full collection: what the hub's live state costs. */
  readonly heapUsedMiB: number;
  /** Resident memory of the process a moment after that collection (heap, code, buffers, allocator). */
  readonly rssMiB: number;
}

/** Asks a hub started with HUB_MEMORY_OPTIONS for its memory after a full collection. */
export async function hubMemory(hub: HubProcess): Promise<HubMemory> {
  const answered = hub.stderr().split(LINE).length;
  process.kill(hub.pid!, 'SIGUSR2');
  for (const deadline = Date.now() + ANSWER_MS; hub.stderr().split(LINE).length <= answered; await sleep(50))
    if (Date.now() > deadline) throw new Error(`the hub did not report its memory; its log:\n${hub.stderr()}`);
  const { heapUsed } = JSON.parse(hub.stderr().split(LINE).at(-1)!.split('\n')[0]!) as { heapUsed: number };
  await sleep(SETTLE_MS);
  return { heapUsedMiB: heapUsed / 1_048_576, rssMiB: rssMiB(hub.pid!) };
}

/** Resident memory of process `pid` in MiB (0 once it has gone). */
export function rssMiB(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmRSS:'));
    return line ? Number(/(\d+)\s*kB/.exec(line)![1]) / 1024 : 0;
  } catch {
    return 0;
  }
}
