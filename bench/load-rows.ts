import { setTimeout as sleep } from 'node:timers/promises';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { eventsStream } from '../src/adapters/nats/nats-names.js';
import { openRuntime } from '../src/composition/runtime.js';
import { HubProcess } from '../test/support/hub-process.js';
import { runHubLoad, type HubLoadResult } from './hub-load.js';
import { HUB_MEMORY_OPTIONS, hubMemory, rssMiB, type HubMemory } from './hub-memory.js';
import { fmt, progress, type Row } from './measure.js';

/** Items each configuration finishes (LOAD_ITEMS; the full run is 100,000). */
const LOAD_ITEMS = Number(process.env['LOAD_ITEMS'] ?? 10_000);
const LOAD_SESSIONS = 8;
/** Upkeep every 5 s and checkpoints every 15 s: several of each even in a short run. */
const HUB_ENV = { WARP_UPKEEP_MS: '5000', WARP_CHECKPOINT_MS: '15000' };
/**
 * How long the hub is let be before it is measured (LOAD_QUIET_MS): past the 120 s for which it
 * remembers its answers to repeats (ADR 0037) and the event streams' duplicate window, so that
 * what is left is what it keeps for good.
 */
const QUIET_MS = Number(process.env['LOAD_QUIET_MS'] ?? 125_000);
const MARKS = ['empty', '25%', '50%', '100%'];

/** What the one-hub run measured after each quiet pause. */
interface Quiet {
  readonly hub: HubMemory;
  readonly natsRssMiB: number;
}

/**
 * Eight sessions at full speed to LOAD_ITEMS finished items, on one hub and then on two (each
 * in a fresh namespace, same server): failed calls, throughput in the first and last tenth,
 * p50/p99 per tool and hub memory as history grows (issue 21). The one-hub run pauses with an
 * empty project and at a quarter, half and all of the items, lets the hub be quiet (its upkeep
 * compacts what finished), and measures the hub after a full collection and the nats-server.
 */
export async function loadRows(
  url: string,
  sessionEnv: (namespace: string) => NodeJS.ProcessEnv,
  cwd: string,
  running?: { stop(): Promise<unknown> },
  natsPid?: () => number | undefined,
): Promise<Row[]> {
  const results: Array<[string, HubLoadResult]> = [];
  const quiet = new Map<string, Quiet>();
  const nc = await connect({ servers: url });
  const jsm = await jetstreamManager(nc);
  try {
    for (const count of [1, 2]) {
      const namespace = `load${count}`;
      const env = { NATS_URL: url, ...HUB_ENV, NODE_OPTIONS: HUB_MEMORY_OPTIONS };
      const hubs = [await HubProcess.start(env)];
      if (count === 2) hubs.push(await HubProcess.start(env));
      // The bench's own hub would take requests too: it steps aside for the run.
      await running?.stop();
      try {
        progress(`load: ${LOAD_SESSIONS} sessions to ${LOAD_ITEMS} finished items on ${count} hub(s)`);
        const result = await runHubLoad({
          open: async () => {
            const runtime = await openRuntime({ env: sessionEnv(namespace), cwd });
            return { app: runtime.app, close: () => runtime.close() };
          },
          sessions: LOAD_SESSIONS,
          items: LOAD_ITEMS,
          hubPids: () => hubs.map((h) => h.pid ?? 0),
          onProgress: (n) => n % Math.max(1, Math.floor(LOAD_ITEMS / 10)) === 0 && progress(`  ${n} finished`),
          ...(count === 1
            ? {
                quiet: async (mark: string, finished: number) => {
                  progress(`  quiet at ${mark} (${fmt(QUIET_MS / 1000, 0)} s)`);
                  const from = Date.now();
                  await compacted(jsm, namespace, finished, LOAD_SESSIONS);
                  await sleep(Math.max(0, QUIET_MS - (Date.now() - from)));
                  const pid = natsPid?.();
                  quiet.set(mark, { hub: await hubMemory(hubs[0]!), natsRssMiB: pid ? rssMiB(pid) : 0 });
                },
              }
            : {}),
        });
        results.push([`${count} hub${count > 1 ? 's' : ''}`, result]);
      } finally {
        await Promise.all(hubs.map((h) => h.stop()));
      }
    }
  } finally {
    await nc.close();
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
        name: `load ${name}: hub RSS MiB under load at 25/50/100%`,
        raw: '—',
        warp: ['25%', '50%', '100%'].map((m) => fmt(r.hubRssMiB[m] ?? 0)).join(' / '),
        ratio: '—',
        target: 'measured',
        ok: true,
      },
    );
  }
  rows.push(...quietRows(quiet));
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

/** The one-hub run's memory after quiet: an empty project against 25/50/100% of the items finished (target 1.2×). */
function quietRows(quiet: ReadonlyMap<string, Quiet>): Row[] {
  const series = (of: (q: Quiet) => number): string => MARKS.map((m) => fmt(of(quiet.get(m)!))).join(' / ');
  const ratio = (of: (q: Quiet) => number): number => of(quiet.get('100%')!) / of(quiet.get('empty')!);
  if (MARKS.some((m) => !quiet.has(m))) return [];
  const heap = ratio((q) => q.hub.heapUsedMiB);
  const rss = ratio((q) => q.hub.rssMiB);
  return [
    {
      name: 'load 1 hub, quiet: hub heap MiB after GC, empty/25/50/100%',
      raw: `${fmt(quiet.get('empty')!.hub.heapUsedMiB)} empty`,
      warp: series((q) => q.hub.heapUsedMiB),
      ratio: `${fmt(heap, 2)}×`,
      target: '≤ 1.2×',
      ok: heap <= 1.2,
    },
    {
      name: 'load 1 hub, quiet: hub RSS MiB, empty/25/50/100%',
      raw: `${fmt(quiet.get('empty')!.hub.rssMiB)} empty`,
      warp: series((q) => q.hub.rssMiB),
      ratio: `${fmt(rss, 2)}×`,
      target: '≤ 1.2×',
      ok: rss <= 1.2,
    },
    {
      name: 'load 1 hub, quiet: nats-server RSS MiB, empty/25/50/100%',
      raw: '—',
      warp: series((q) => q.natsRssMiB),
      ratio: '—',
      target: 'measured',
      ok: true,
    },
  ];
}

/** Resolves once upkeep has compacted what finished: the project's work stream holds one message per finished item, and the few of the live ones. */
async function compacted(
  jsm: Awaited<ReturnType<typeof jetstreamManager>>,
  namespace: string,
  finished: number,
  sessions: number,
): Promise<void> {
  for (;;) {
    const info = await jsm.streams.info(eventsStream(namespace, 'work')).catch(() => undefined);
    // An offer and a claim each, at most, for the item each session was busy with.
    if (!info || info.state.messages <= finished + 2 * sessions) return;
    await sleep(500);
  }
}
