import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/** Warp's compiled code: the directory above this module's. */
const CODE_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * The newest modification time (epoch ms) of the `.js` files under `root`, or undefined while
 * they cannot all be read (a build or an install is replacing them).
 */
export function newestCode(root: string = CODE_ROOT): number | undefined {
  try {
    let newest: number | undefined;
    for (const file of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.js')) continue;
      const { mtimeMs } = statSync(join(root, file));
      if (newest === undefined || mtimeMs > newest) newest = mtimeMs;
    }
    return newest;
  } catch {
    return undefined;
  }
}

export interface CodeWatch {
  /** Epoch ms: code written after it is new (this process's start, so a build during start-up counts). */
  readonly since: number;
  readonly everyMs: number;
  /** How long the code must stay as it is first: a build or an install in progress is left to finish. */
  readonly settleMs: number;
  readonly root?: string;
}

/**
 * Calls `changed` once when Warp's code on disk was written after `since` (rebuilt, `tsc --watch`
 * re-emitting a file, upgraded in place) and has then stayed as it is for `settleMs`. A file
 * dated in the future does not count until its time has come, so the process that takes over
 * (started after it) does not see it again. Returns what stops looking.
 */
export function watchCodeChanges(changed: () => void, watch: CodeWatch): () => void {
  let seen: number | undefined;
  let seenAt = performance.now();
  const timer = setInterval(() => {
    const stamp = newestCode(watch.root);
    if (stamp !== seen) {
      seen = stamp;
      seenAt = performance.now();
    } else if (
      stamp !== undefined &&
      stamp > watch.since &&
      stamp <= Date.now() &&
      performance.now() - seenAt >= watch.settleMs
    ) {
      clearInterval(timer);
      changed();
    }
  }, watch.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
