import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHubLoad } from '../../bench/hub-load.js';
import { openRuntime } from '../../src/composition/runtime.js';
import { HubProcess } from '../support/hub-process.js';
import { startNatsServer, type NatsServerHandle } from '../support/nats-server.js';

const SESSIONS = 8;
const ITEMS = 1_200;
/** Upkeep (sweeps, compaction) every second and checkpoints every three: many of each during the load. */
const HUB_ENV = { WARP_UPKEEP_MS: '1000', WARP_CHECKPOINT_MS: '3000' };

/**
 * The short version of the bench's load (issue 21): eight sessions at full speed on two hubs that
 * compact and checkpoint all the while. No call fails, every offer acknowledged is completed once,
 * and nothing is left stored but unclaimable.
 */
describe('eight sessions at full speed on two hubs', () => {
  let nats: NatsServerHandle;
  const hubs: HubProcess[] = [];
  const cwd = mkdtempSync(join(tmpdir(), 'warp-load-'));
  const env = (): NodeJS.ProcessEnv => ({
    ...process.env,
    NATS_URL: nats.url,
    WARP_NAMESPACE: 'load',
    WARP_HUB: 'external',
    LOG_LEVEL: 'ERROR',
  });

  beforeAll(async () => {
    nats = await startNatsServer();
    for (let i = 0; i < 2; i++) hubs.push(await HubProcess.start({ NATS_URL: nats.url, ...HUB_ENV }));
  });
  afterAll(async () => {
    await Promise.all(hubs.map((h) => h.stop()));
    await nats?.dispose();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('fails no call and leaves no acknowledged item unfinished or unclaimable', { timeout: 240_000 }, async () => {
    const result = await runHubLoad({
      open: async () => {
        const runtime = await openRuntime({ env: env(), cwd });
        return { app: runtime.app, close: () => runtime.close() };
      },
      sessions: SESSIONS,
      items: ITEMS,
      hubPids: () => hubs.map((h) => h.pid ?? 0),
    });
    console.info(
      `load: ${result.completed.size} items in ${result.seconds.toFixed(1)} s, ${result.failed} failed calls, ` +
        `first tenth ${result.firstTenth.toFixed(0)}/s, last ${result.lastTenth.toFixed(0)}/s, ` +
        JSON.stringify(result.latencies),
    );
    expect(result.failures).toEqual([]);
    expect(result.completed.size).toBe(ITEMS);
    expect([...result.offered].filter((id) => !result.completed.has(id))).toEqual([]);
    // Checked against the store, through a fresh session: nothing offered or claimed is left behind.
    const runtime = await openRuntime({ env: env(), cwd });
    try {
      const { depth } = await runtime.app.listWork({ capability: 'load', limit: 1 });
      expect(depth['load']).toMatchObject({ offered: 0, claimed: 0, deadLettered: 0 });
      for (const id of [...result.offered].slice(0, 50))
        expect((await runtime.app.getWorkItem({ workItemId: id })).workItem.status).toBe('completed');
    } finally {
      await runtime.close();
    }
    for (const hub of hubs)
      expect(
        hub
          .stderr()
          .split('\n')
          .filter((l) => /hub task failed/.test(l)),
      ).toEqual([]);
  });
});
