import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newestCode, watchCodeChanges } from '../../../src/composition/code-changes.js';

/** How a hub a session started sees that Warp's code on disk changed under it (ADR 0028). */
describe('code changes', () => {
  const dirs: string[] = [];
  const stops: Array<() => void> = [];
  afterEach(() => {
    stops.splice(0).forEach((stop) => stop());
    dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  });
  const codeDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'warp-code-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'domain'));
    return dir;
  };
  const write = (file: string, at: number): void => {
    writeFileSync(file, '');
    utimesSync(file, at / 1_000, at / 1_000);
  };
  /** Resolves with the time `changed` was called. */
  const watched = (root: string, since: number): Promise<number> =>
    new Promise((resolve) =>
      stops.push(watchCodeChanges(() => resolve(Date.now()), { root, since, everyMs: 10, settleMs: 50 })),
    );

  it('is the newest .js file anywhere under the root, and unknown while the code cannot be read', () => {
    const dir = codeDir();
    write(join(dir, 'a.js'), 1_000_000);
    write(join(dir, 'domain', 'b.js'), 2_000_000);
    write(join(dir, 'domain', 'b.js.map'), 3_000_000);
    expect(newestCode(dir)).toBe(2_000_000);
    expect(newestCode(join(dir, 'gone'))).toBeUndefined();
  });

  it('sees any code file written after the process started, once it has stayed as it is', async () => {
    const dir = codeDir();
    // The process started a second ago, on code built a minute before.
    const since = Date.now() - 1_000;
    write(join(dir, 'a.js'), since - 60_000);
    const changed = watched(dir, since);
    // As `tsc --watch` does: one file deep in the tree is written again, the rest stay.
    write(join(dir, 'domain', 'limits.js'), Date.now());
    expect(await changed).toBeGreaterThanOrEqual(since);
  });

  it('takes a file dated in the future only once its time has come, so that the next process does not see it again', async () => {
    const dir = codeDir();
    const since = Date.now();
    const future = since + 300;
    write(join(dir, 'a.js'), future);
    expect(await watched(dir, since - 60_000)).toBeGreaterThanOrEqual(future);
  });
});
