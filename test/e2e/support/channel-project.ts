import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const GIB = 1_073_741_824;

/** A project folder whose .loom-config.json defines `channels`. */
export function projectWithChannels(channels: readonly object[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'warp-limits-'));
  writeFileSync(join(dir, '.loom-config.json'), JSON.stringify({ channels }));
  return dir;
}
