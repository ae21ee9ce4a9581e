import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The files every build or install rewrites: this module and the command line the launcher starts. */
const CODE_FILES = [fileURLToPath(import.meta.url), fileURLToPath(new URL('../adapters/cli/bin.js', import.meta.url))];

/** The newest modification time of Warp's code on disk, or undefined while a file is missing. */
function codeStamp(): number | undefined {
  try {
    return Math.max(...CODE_FILES.map((file) => statSync(file).mtimeMs));
  } catch {
    return undefined;
  }
}

/**
 * Calls `changed` once when the Warp installed under this process was rebuilt, upgraded or
 * removed, and the files have then stayed as they are for `settleMs` (a build or an install in
 * progress is left to finish). Looks every `everyMs`; returns what stops looking.
 */
export function watchCodeChanges(changed: () => void, everyMs: number, settleMs: number): () => void {
  const started = codeStamp();
  let seen = started;
  let seenSince = Date.now();
  const timer = setInterval(() => {
    const stamp = codeStamp();
    if (stamp !== seen) {
      seen = stamp;
      seenSince = Date.now();
    } else if (seen !== started && Date.now() - seenSince >= settleMs) {
      clearInterval(timer);
      changed();
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
