import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startNatsServer, type NatsServerHandle } from '../test/support/nats-server.js';
import { countHubCpu, type HubCpu } from './hub-cpu.js';
import { openMcpPair, type McpPair } from './mcp-pair.js';
import { fmt, progress, timeAlternating, type Row } from './measure.js';

const CYCLES = 400;
/** Cycles on each side before measuring: a hub fresh from its start runs its code cold, at several times the cost. */
const WARM_UP = 1000;
/** What deferred answers must save of an MCP work cycle to be kept (issue 22). */
const KEEP_AT = 0.15;
const HUB = fileURLToPath(new URL('./bench-hub.js', import.meta.url));

/** A NATS server of its own with one bench hub (deferrals on or off), and an MCP pair asking it. */
interface Side {
  readonly pair: McpPair;
  cpu(): Promise<{ stop(): Promise<HubCpu> }>;
  close(): Promise<void>;
}

/**
 * The MCP work cycle with the hub's deferred answers (ADR 0026, 0027) on and off, in alternating
 * rounds. Each hub has a server of its own, so neither takes the other's requests (ADR 0038)
 * and neither needs restarting between rounds.
 */
export async function deferralRows(): Promise<Row[]> {
  const sides: Side[] = [];
  try {
    for (const deferring of [true, false]) sides.push(await openSide(deferring));
    const [on, off] = sides as [Side, Side];
    progress(`deferrals: warming up both hubs with ${WARM_UP} MCP work cycles each`);
    for (let i = 0; i < WARM_UP; i++) await Promise.all([on.pair.cycle(), off.pair.cycle()]);
    progress(`deferrals: ${CYCLES} MCP work cycles with the hub's deferred answers on, and off`);
    const counting = [await on.cpu(), await off.cpu()];
    const [onCycle, offCycle] = await timeAlternating(CYCLES, [() => on.pair.cycle(), () => off.pair.cycle()]);
    const [onCpu, offCpu] = (await Promise.all(counting.map((c) => c.stop()))) as [HubCpu, HubCpu];
    const saved = offCycle!.perOpUs - onCycle!.perOpUs;
    const saving = saved / offCycle!.perOpUs;
    return [
      {
        name: 'MCP work cycle: deferrals on vs off',
        raw: `${fmt(offCycle!.perOpUs)} µs off`,
        warp: `${fmt(onCycle!.perOpUs)} µs on`,
        ratio: `saves ${fmt(saving * 100)}% of off (${fmt((saved / onCycle!.perOpUs) * 100)}% of on)`,
        target: `≥ ${KEEP_AT * 100}% saved`,
        ok: saving >= KEEP_AT,
      },
      {
        name: 'hub CPU per request: deferrals on vs off',
        raw: `${fmt(offCpu.usPerRequest)} µs off`,
        warp: `${fmt(onCpu.usPerRequest)} µs on`,
        ratio: `${fmt(onCpu.usPerRequest / offCpu.usPerRequest, 2)}×`,
        target: 'measured',
        ok: true,
      },
    ];
  } finally {
    for (const side of sides) await side.close();
  }
}

async function openSide(deferring: boolean): Promise<Side> {
  const server = await startNatsServer();
  const nc = await connect({ servers: server.url, noAsyncTraces: true });
  let hub: ChildProcess | undefined;
  let pair: McpPair | undefined;
  const close = (): Promise<void> => closeSide(server, nc, hub, pair);
  try {
    hub = await startHub(server, deferring);
    pair = await openMcpPair(server.url, 'defer', 'defer');
  } catch (error) {
    await close();
    throw error;
  }
  const pid = hub.pid!;
  return { pair, cpu: () => countHubCpu(nc, pid), close };
}

async function startHub(server: NatsServerHandle, deferring: boolean): Promise<ChildProcess> {
  const child = spawn(process.execPath, [HUB, deferring ? 'on' : 'off'], {
    env: { ...process.env, NATS_URL: server.url, LOG_LEVEL: 'ERROR' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const first = await Promise.race([
    once(child.stdout!, 'data').then(([data]) => String(data)),
    once(child, 'exit').then(() => 'nothing: it exited'),
  ]);
  if (!first.includes('ready')) {
    child.kill('SIGKILL');
    throw new Error(`bench: the bench hub said ${first}`);
  }
  return child;
}

async function closeSide(
  server: NatsServerHandle,
  nc: NatsConnection,
  hub: ChildProcess | undefined,
  pair: McpPair | undefined,
): Promise<void> {
  await pair?.close();
  if (hub && hub.exitCode === null && hub.signalCode === null) {
    const exited = once(hub, 'exit');
    hub.kill('SIGTERM');
    await exited;
  }
  await nc.close();
  await server.dispose();
}
