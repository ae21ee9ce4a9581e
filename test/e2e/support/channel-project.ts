import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** WARP_CHANNEL_MAX_BYTES by default: what a channel keeps, and reserves of the server's storage. */
export const CHANNEL_BYTES = 67_108_864;

/** A project folder whose .loom-config.json defines `channels`. */
export function projectWithChannels(channels: readonly object[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'warp-limits-'));
  writeFileSync(join(dir, '.loom-config.json'), JSON.stringify({ channels }));
  return dir;
}
