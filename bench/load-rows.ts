import { openRuntime } from '../src/composition/runtime.js';
import { HubProcess } from '../test/support/hub-process.js';
import { runHubLoad, type HubLoadResult } from './hub-load.js';
import { fmt, progress, type Row } from './measure.js';

/** Items each configuration finishes (LOAD_ITEMS; the full run is 100,000). */
const LOAD_ITEMS = Number(process.env['LOAD_ITEMS'] ?? 10_000);
const LOAD_SESSIONS = 8;
/** Upkeep every 5 s and checkpoints every 15 s: several of each even in a short run. */
const HUB_ENV = { WARP_UPKEEP_MS: '5000', WARP_CHECKPOINT_MS: '15000' };

/**
 * Eight sessions at full speed to LOAD_ITEMS finished items, on one hub and then on two (each
 * in a fresh namespace, same server): failed calls, throughput in the first and last tenth,
 * p50/p99 per tool and hub memory as history grows (issue 21).
 */
export async function loadRows(
  url: string,
  sessionEnv: (namespace: string) => NodeJS.ProcessEnv,
  cwd: string,
  running: HubProcess,
): Promise<Row[]> {
  const results: Array<[string, HubLoadResult]> = [];
  for (const count of [1, 2]) {
    const hubs = [await HubProcess.start({ NATS_URL: url, ...HUB_ENV })];
    if (count === 2) hubs.push(await HubProcess.start({ NATS_URL: url, ...HUB_ENV }));
    // The bench's own hub would take requests too: it steps aside for the run.
    await running.stop();
    try {
      progress(`load: ${LOAD_SESSIONS} sessions to ${LOAD_ITEMS} finished items on ${count} hub(s)`);
      const result = await runHubLoad({
        open: async () => {
          const runtime = await openRuntime({ env: sessionEnv(`load${count}`), cwd });
          return { app: runtime.app, close: () => runtime.close() };
        },
        sessions: LOAD_SESSIONS,
        items: LOAD_ITEMS,
        hubPids: () => hubs.map((h) => h.pid ?? 0),
        onProgress: (n) => n % Math.max(1, Math.floor(LOAD_ITEMS / 10)) === 0 && progress(`  ${n} finished`),
      });
      results.push([`${count} hub${count > 1 ? 's' : ''}`, result]);
    } finally {
      await Promise.all(hubs.map((h) => h.stop()));
    }
  }
  const rows: Row[] = [];
  for (const [name, r] of results) {
    const lat = (tool: string) => r.latencies[tool] ?? { p50: 0, p99: 0 };
    const unfinished = [...r.offered].filter((id) => !r.completed.has(id)).length;
    rows.push(
      {
        name: `load ${name}: failed calls, unfinished offers`,
        raw: '—',
        warp: `${r.failed} failed, ${unfinished} unfinished`,
        ratio: '—',
        target: '0, 0',
        ok: r.failed === 0 && unfinished === 0,
      },
      {
        name: `load ${name}: items/s, last tenth vs first`,
        raw: `${fmt(r.firstTenth)}/s first`,
        warp: `${fmt(r.lastTenth)}/s last (${fmt(r.completed.size / r.seconds)}/s overall)`,
        ratio: `${fmt(r.lastTenth / r.firstTenth, 2)}×`,
        target: '≥ 0.8×',
        ok: r.lastTenth >= 0.8 * r.firstTenth,
      },
      {
        name: `load ${name}: p50/p99 ms offer, claim, complete`,
        raw: '—',
        warp: ['broadcast_work_offer', 'claim_work', 'complete_work']
          .map((t) => `${fmt(lat(t).p50)}/${fmt(lat(t).p99)}`)
          .join(', '),
        ratio: '—',
        target: 'measured',
        ok: true,
      },
      {
        name: `load ${name}: hub RSS MiB at 25/50/100%`,
        raw: '—',
        warp: ['25%', '50%', '100%'].map((m) => fmt(r.hubRssMiB[m] ?? 0)).join(' / '),
        ratio: '—',
        target: 'measured',
        ok: true,
      },
    );
  }
  const [one, two] = results.map(([, r]) => r.completed.size / r.seconds);
  rows.push({
    name: 'load: two hubs against one, items/s',
    raw: `${fmt(one!)}/s one hub`,
    warp: `${fmt(two!)}/s two hubs`,
    ratio: `${fmt(two! / one!, 2)}×`,
    target: '≥ 1×',
    ok: two! >= one!,
  });
  return rows;
}
