import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';

/**
 * Loaded into a bench's hub with `--expose-gc --import` (see hubMemory): on SIGUSR2 the hub collects
 * its garbage and logs its memory, so the bench reads what live state costs, not what the
 * collector has yet to reclaim. With WARP_BENCH_HEAP_DIR set it also writes a heap snapshot there.
 */
const mib = (bytes: number): number => Math.round(bytes / 1_048_576);
const collect = (globalThis as { gc?: () => void }).gc;

process.on('SIGUSR2', () => {
  // Twice: the first pass can leave garbage that only the second finds unreachable (weak maps, finalizers).
  collect?.();
  collect?.();
  const memory = process.memoryUsage();
  // MiB committed and used per heap space: where a heap larger than its live objects keeps its room.
  const spaces = Object.fromEntries(
    getHeapSpaceStatistics().map((s) => [s.space_name, [mib(s.space_size), mib(s.space_used_size)]]),
  );
  const dir = process.env['WARP_BENCH_HEAP_DIR'];
  const snapshot = dir ? writeHeapSnapshot(`${dir}/hub-${process.pid}-${Date.now()}.heapsnapshot`) : undefined;
  process.stderr.write(
    `warp-bench-memory ${JSON.stringify({ ...memory, spaces, collected: collect !== undefined, snapshot })}\n`,
  );
});
