import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Removes the run's runtime dir (vitest.config.ts names it after the main process). */
export function teardown(): void {
  rmSync(join(tmpdir(), `warp-test-runtime-${process.pid}`), { recursive: true, force: true });
}
