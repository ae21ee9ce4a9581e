import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startNatsServer } from '../test/support/nats-server.js';
import { loadRows } from './load-rows.js';
import { fmt, printTable, progress } from './measure.js';

/**
 * The bench's load rows alone (issue 21), on a nats-server of their own:
 * `npm run build && LOAD_ITEMS=100000 node dist/bench/load-only.js`.
 */
const server = await startNatsServer();
const projectDir = mkdtempSync(join(tmpdir(), 'warp-load-'));
const started = performance.now();
try {
  const sessionEnv = (namespace: string): NodeJS.ProcessEnv => ({
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? projectDir,
    NATS_URL: server.url,
    WARP_NAMESPACE: namespace,
    // The load starts its hubs itself; a session must not start another one.
    WARP_HUB: 'external',
    LOG_LEVEL: 'ERROR',
  });
  printTable(await loadRows(server.url, sessionEnv, projectDir, undefined, () => server.pid));
  progress(`load rows took ${fmt((performance.now() - started) / 60_000)} min`);
} finally {
  await server.dispose();
  rmSync(projectDir, { recursive: true, force: true });
}
