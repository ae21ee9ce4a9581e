import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { jetstream, jetstreamManager, AckPolicy, DeliverPolicy, RetentionPolicy } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { agentId } from '../src/domain/index.js';
import type { WarpApi } from '../src/application/index.js';
import { openRuntime } from '../src/composition/runtime.js';
import { connectNats } from '../src/adapters/nats/nats-connection.js';
import { createNatsBackend } from '../src/adapters/nats/nats-backend.js';
import { CryptoIds } from '../src/adapters/system/crypto-ids.js';
import { BackendUnavailable } from '../src/ports/index.js';
import { HubProcess } from '../test/support/hub-process.js';
import { startNatsServer } from '../test/support/nats-server.js';
import { freshSessions, freshSessionsSideBySide, seedFinishedWork, type FreshSession } from './history.js';
import { deferralRows } from './deferral-rows.js';
import { countHubCpu, type HubCpu } from './hub-cpu.js';
import { startHubFloor } from './hub-floor.js';
import { loadRows } from './load-rows.js';
import { mcpRows } from './mcp-rows.js';
import {
  fmt,
  pipelined,
  printTable,
  progress,
  time,
  timeBlock,
  timeSideBySide,
  type Row,
  type Timing,
} from './measure.js';

const SENDS = 2000;
const READS = 300;
const WORK_ITEMS = 2000;
const WORK_CYCLES = 300;
const WORKERS = 4;
const AGENTS = 5000;
const BIG_HISTORY = 100_000;
/** Offered items in both namespaces when list_work is compared. */
const LIVE_ITEMS = 20;
const FINISHED_ITEMS = 100_000;
const FRESH_SESSIONS = 5;
const LIST_WORK_CALLS = 50;
const PUSHES = 300;
const MIB = 1024 * 1024;

const server = await startNatsServer();
const ids = new CryptoIds();
const body = 'x'.repeat(200);
// No project config and no git remote: the namespace comes from WARP_NAMESPACE alone.
const projectDir = mkdtempSync(join(tmpdir(), 'warp-bench-'));
let hub = await HubProcess.start({ NATS_URL: server.url });

/** What a session on this machine is given: the bench's NATS, a namespace, and the bench's own hub. */
const sessionEnv = (namespace: string): NodeJS.ProcessEnv => ({
  PATH: process.env['PATH'] ?? '',
  HOME: process.env['HOME'] ?? projectDir,
  NATS_URL: server.url,
  WARP_NAMESPACE: namespace,
  // The bench runs its hub itself; a session must not start another one.
  WARP_HUB: 'external',
  LOG_LEVEL: 'ERROR',
});

/** A thin session in this process, as an MCP server opens it: the hub decides, messages go straight to JetStream. */
async function warpSession(namespace = 'bench'): Promise<{ app: WarpApi; close(): Promise<void> }> {
  const runtime = await openRuntime({ env: sessionEnv(namespace), cwd: projectDir });
  return { app: runtime.app, close: () => runtime.close() };
}

try {
  // The client settings Warp uses (no async stack traces), so the ratios measure Warp, not a client option.
  const nc = await connect({ servers: server.url, noAsyncTraces: true });
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'RAW_CH', subjects: ['raw.ch.>'] });
  const rows: Row[] = [];
  const ratioRow = (
    name: string,
    raw: number,
    warp: number,
    unit: string,
    target: number,
    higherIsBetter = false,
  ): Row => {
    const ratio = warp / raw;
    return {
      name,
      raw: `${fmt(raw)} ${unit}`,
      warp: `${fmt(warp)} ${unit}`,
      ratio: `${fmt(ratio, 2)}×`,
      target: higherIsBetter ? `≥ ${target}×` : `≤ ${target}×`,
      ok: higherIsBetter ? ratio >= target : ratio <= target,
    };
  };

  progress('fresh sessions on a server with no history');
  const clean = await freshSessions(sessionEnv('clean'), FRESH_SESSIONS);

  const lead = await warpSession();
  await lead.app.setHandle({ handle: 'bench' });
  for (const name of ['small', 'big', 'send']) await lead.app.createChannel({ name, description: '' });

  progress(`send: ${SENDS} sequential publishes each way`);
  // Raw stores the same JSON record a channel message is; Warp adds validation, the decision and the notice.
  const record = (): string => JSON.stringify({ channel: 'send', senderHandle: 'bench', timestamp: Date.now(), body });
  const [rawSend, warpSend] = await timeSideBySide(
    SENDS,
    () => js.publish('raw.ch.send', record()),
    () => lead.app.sendMessage({ channel: 'send', message: body }),
  );
  rows.push(ratioRow('send (per message)', rawSend.perOpUs, warpSend.perOpUs, 'µs', 1.25));

  const rawRead = async (subject: string, stream: string): Promise<void> => {
    const info = await jsm.streams.info(stream);
    const start = Math.max(info.state.first_seq, info.state.last_seq - 49);
    const consumer = await js.consumers.get(stream, {
      filter_subjects: subject,
      opt_start_seq: start,
      deliver_policy: DeliverPolicy.StartSequence,
    });
    const batch = await consumer.fetch({ max_messages: 50 });
    // A reader decodes what it fetched, raw or not.
    const decoded: unknown[] = [];
    for await (const m of batch) {
      decoded.push(m.json());
      if (m.seq >= info.state.last_seq) break;
    }
  };
  progress('read: filling histories of 100 and 100,000 messages');
  await jsm.streams.add({ name: 'RAW_SMALL', subjects: ['raw.small'] });
  await jsm.streams.add({ name: 'RAW_BIG', subjects: ['raw.big'] });
  await pipelined(100, 100, () => js.publish('raw.small', record()));
  await pipelined(BIG_HISTORY, 500, () => js.publish('raw.big', record()));
  await pipelined(100, 100, () => lead.app.sendMessage({ channel: 'small', message: body }));
  await pipelined(BIG_HISTORY, 500, () => lead.app.sendMessage({ channel: 'big', message: body }));
  progress(`read: ${READS} reads of the newest 50 at each size`);
  const [rawSmall, warpSmall] = await timeSideBySide(
    READS,
    () => rawRead('raw.small', 'RAW_SMALL'),
    () => lead.app.readMessages({ channel: 'small', limit: 50 }),
  );
  const [rawBig, warpBig] = await timeSideBySide(
    READS,
    () => rawRead('raw.big', 'RAW_BIG'),
    () => lead.app.readMessages({ channel: 'big', limit: 50 }),
  );
  rows.push(ratioRow('read 50 @ 100 msgs', rawSmall.perOpUs, warpSmall.perOpUs, 'µs', 1.25));
  rows.push(ratioRow('read 50 @ 100k msgs', rawBig.perOpUs, warpBig.perOpUs, 'µs', 1.25));
  rows.push({
    ...ratioRow('read 50: 100k vs 100 history (Warp)', warpSmall.perOpUs, warpBig.perOpUs, 'µs', 1.3),
    raw: `${fmt(warpSmall.perOpUs)} µs @100`,
    warp: `${fmt(warpBig.perOpUs)} µs @100k`,
  });

  progress(`discover: registering ${AGENTS} agents`);
  const registryBackend = await createNatsBackend(await connectNats({ servers: server.url, transport: 'tcp' }), {
    replicas: 1,
  });
  const registry = registryBackend.registry;
  await pipelined(AGENTS, 200, (i) =>
    registry.update(ids.stableId('bench', String(i)), () => ({
      profile: {
        guid: agentId(ids.stableId('bench', String(i))),
        handle: `agent-${i}`,
        agentType: 'worker',
        capabilities: i % 10 === 0 ? ['rare'] : ['common'],
        scope: 'project',
        visibility: 'project-only',
        namespace: 'bench',
        hostname: 'h',
        username: 'bench',
      },
      presence: 'online',
      currentTaskCount: 0,
      registeredAt: Date.now(),
      updatedAt: Date.now(),
      lastHeartbeat: Date.now(),
      deregistered: false,
    })),
  );
  const viewer = await warpSession();
  // Waits on the rare tenth: all 5000 agents in one answer exceed NATS's max payload, which a hub reply must fit.
  await waitFor(
    async () => (await viewer.app.discoverAgents({ capability: 'rare', includeOffline: true })).count >= AGENTS / 10,
  );
  const discover = await time('discover_agents over 5000', 200, () =>
    viewer.app.discoverAgents({ capability: 'rare' }),
  );
  rows.push({
    name: `discover_agents over ${AGENTS} agents`,
    raw: '—',
    warp: `${fmt(discover.perOpUs / 1000, 2)} ms`,
    ratio: '—',
    target: '< 10 ms',
    ok: discover.perOpUs < 10_000,
  });

  progress(`work: ${WORK_ITEMS} items, ${WORKERS} workers, raw publish+pull+ack vs offer+claim+complete`);
  await jsm.streams.add({ name: 'RAW_WQ', subjects: ['raw.wq'], retention: RetentionPolicy.Workqueue });
  await jsm.consumers.add('RAW_WQ', {
    durable_name: 'workers',
    ack_policy: AckPolicy.Explicit,
    ack_wait: 60_000_000_000,
  });
  const rawWork = await timeBlock('raw work', WORK_ITEMS, async () => {
    await pipelined(WORK_ITEMS, 1, (i) => js.publish('raw.wq', JSON.stringify({ i })));
    const consumer = await js.consumers.get('RAW_WQ', 'workers');
    let done = 0;
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        while (done < WORK_ITEMS) {
          const m = await consumer.next({ expires: 1000 });
          if (!m) continue;
          await m.ackAck();
          done++;
        }
      }),
    );
  });
  const workers = await Promise.all(Array.from({ length: WORKERS }, () => warpSession()));
  for (const [i, w] of workers.entries()) {
    await w.app.setHandle({ handle: `worker-${i}` });
    await w.app.registerAgent({ agentType: 'worker', capabilities: ['bench'] });
  }
  const completedBy = new Map<string, number>();
  // A call that fails ends the drain and is reported in its row, so the other rows are still measured.
  let failed: unknown;
  const warpWork = await timeBlock('warp work', WORK_ITEMS, async () => {
    await pipelined(WORK_ITEMS, 1, (i) =>
      lead.app.broadcastWorkOffer({ taskId: `task-${i}`, description: 'bench', requiredCapability: 'bench' }),
    );
    let done = 0;
    await Promise.all(
      workers.map(async (w) => {
        try {
          while (done < WORK_ITEMS && failed === undefined) {
            const claim = await w.app.claimWork({ capability: 'bench', timeout: 200 });
            if (!claim.claimed) continue;
            const result = await w.app.completeWork({ workItemId: claim.workItem.workItemId });
            if (!result.alreadyCompleted) {
              completedBy.set(claim.workItem.workItemId, (completedBy.get(claim.workItem.workItemId) ?? 0) + 1);
              done++;
            }
          }
        } catch (error) {
          failed ??= error;
        }
      }),
    );
  });
  const lost = WORK_ITEMS - completedBy.size;
  const twice = [...completedBy.values()].filter((n) => n > 1).length;
  const rawRate = WORK_ITEMS / (rawWork.totalMs / 1000);
  const warpRate = completedBy.size / (warpWork.totalMs / 1000);
  rows.push({
    ...ratioRow(`work drain (${WORKERS} workers)`, rawRate, warpRate, 'items/s', 0.3, true),
    target: '≥ 0.3×, 0 lost, 0 twice',
    ok: warpRate / rawRate >= 0.3 && lost === 0 && twice === 0,
  });
  if (failed !== undefined)
    process.stdout.write(`\nwork drain stopped after ${completedBy.size} items: ${String(failed)}\n`);
  process.stdout.write(`\nwork: ${lost} lost, ${twice} completed twice\n\n`);

  progress(`work cycle: ${WORK_CYCLES} items one at a time, raw publish+next+ack vs offer+claim+complete`);
  const cycler = workers[0]!;
  await cycler.app.registerAgent({ agentType: 'worker', capabilities: ['bench', 'cycle'] });
  const rawConsumer = await js.consumers.get('RAW_WQ', 'workers');
  let cycles = 0;
  const rawRound = async (): Promise<void> => {
    await js.publish('raw.wq', JSON.stringify({ cycle: true }));
    const m = await rawConsumer.next({ expires: 5000 });
    if (!m) throw new Error('bench: the raw work queue delivered nothing');
    await m.ackAck();
  };
  const warpRound = async (): Promise<void> => {
    const taskId = `cycle-${cycles++}`;
    await lead.app.broadcastWorkOffer({ taskId, description: 'bench', requiredCapability: 'cycle' });
    const claim = await cycler.app.claimWork({ capability: 'cycle', timeout: 5000 });
    if (!claim.claimed) throw new Error(`bench: ${taskId} was offered but not claimed`);
    await cycler.app.completeWork({ workItemId: claim.workItem.workItemId });
  };
  const [rawCycle, warpCycle] = await timeSideBySide(WORK_CYCLES, rawRound, warpRound);
  rows.push(ratioRow('work cycle (one item, sequential)', rawCycle.perOpUs, warpCycle.perOpUs, 'µs', 2));

  progress('hub floor: the work cycle through a responder that only appends (no decision, no read model)');
  const floor = await startHubFloor(nc, server.url);
  const threeTimes = (op: () => Promise<void>) => async (): Promise<void> => {
    for (let i = 0; i < 3; i++) await op();
  };
  let floors: Timing[];
  let versusFloor: Row;
  let hubCpu: HubCpu;
  try {
    floors = [
      ...(await timeSideBySide(WORK_CYCLES, rawRound, threeTimes(floor.ackFirst))),
      ...(await timeSideBySide(WORK_CYCLES, rawRound, threeTimes(floor.ackToCaller))),
      ...(await timeSideBySide(WORK_CYCLES, rawRound, threeTimes(floor.ackAsAnswer))),
    ];
    progress('hub floor: the work cycle side by side with the floor that answers after the ack');
    // The hub serves only the Warp side here: what it spends in the phase is what those requests cost it.
    const counting = await countHubCpu(nc, hub.pid!);
    const [floorCycle, hubCycle] = await timeSideBySide(WORK_CYCLES, threeTimes(floor.ackFirst), warpRound);
    hubCpu = await counting.stop();
    versusFloor = {
      ...ratioRow('work cycle vs floor (answer after the ack)', floorCycle.perOpUs, hubCycle.perOpUs, 'µs', 1.25),
      raw: `${fmt(floorCycle.perOpUs)} µs floor`,
    };
  } finally {
    await floor.close();
  }
  const [rawForAckFirst, ackFirstFloor, rawForAckToCaller, ackToCallerFloor, rawForAckAsAnswer, ackAsAnswerFloor] =
    floors as [Timing, Timing, Timing, Timing, Timing, Timing];
  const floorRow = (name: string, raw: Timing, floorTiming: Timing): Row => ({
    ...ratioRow(name, raw.perOpUs, floorTiming.perOpUs, 'µs', 2),
    target: 'measured',
    ok: true,
  });
  rows.push(floorRow('work cycle floor: answer after the ack', rawForAckFirst, ackFirstFloor));
  rows.push(floorRow('work cycle floor: ack sent to the caller', rawForAckToCaller, ackToCallerFloor));
  rows.push(floorRow('work cycle floor: the ack is the answer', rawForAckAsAnswer, ackAsAnswerFloor));
  rows.push(versusFloor);
  rows.push({
    name: 'hub CPU per request (work cycle)',
    raw: `${hubCpu.requests} requests`,
    warp: `${fmt(hubCpu.usPerRequest)} µs (main thread ${fmt(hubCpu.mainUsPerRequest)})`,
    ratio: '—',
    target: '≤ 100 µs',
    ok: hubCpu.usPerRequest <= 100,
  });

  progress(`push: ${PUSHES} direct messages, each timed from send to the recipient's push`);
  const listener = await warpSession();
  const { agent } = await listener.app.registerAgent({ agentType: 'listener' });
  await lead.app.registerAgent({ agentType: 'lead' });
  const rawPush = await pushLatency(PUSHES, async (deliver) => {
    const receiver = await connect({ servers: server.url });
    receiver.subscribe('raw.push', { callback: () => deliver() });
    await receiver.flush();
    return { send: () => nc.publish('raw.push', body), close: () => receiver.close() };
  });
  const warpPush = await pushLatency(PUSHES, async (deliver) => {
    const feed = await listener.app.startAgentFeed(new Set(['dm']), () => deliver());
    return {
      send: () => lead.app.sendDirectMessage({ recipientGuid: agent.guid, message: body }),
      close: () => feed.close(),
    };
  });
  rows.push({
    ...ratioRow('DM send → push to recipient', rawPush.perOpUs, warpPush.perOpUs, 'µs', Infinity),
    target: 'measured',
    ok: true,
  });

  progress('mcp: the built MCP server over stdio, driven by the SDK client');
  rows.push(...(await mcpRows(server.url, { send: () => js.publish('raw.ch.send', record()), cycle: rawRound })));
  rows.push(...(await deferralRows()));

  for (const s of [lead, viewer, listener, ...workers]) await s.close();

  rows.push(...(await historyRows(clean)));
  rows.push(...(await loadRows(server.url, sessionEnv, projectDir, hub)));
  printTable(rows);
  await registryBackend.close();
  await nc.close();
} catch (error) {
  // What the hub said is often the reason a call failed.
  process.stderr.write(`bench failed; the hub's log:\n${hub.stderr().slice(-4000)}\n`);
  throw error;
} finally {
  await hub.stop();
  await server.dispose();
  rmSync(projectDir, { recursive: true, force: true });
}

/** Mean time from starting a send to its delivery callback, one message at a time. */
async function pushLatency(
  count: number,
  open: (deliver: () => void) => Promise<{ send(): unknown; close(): Promise<void> }>,
) {
  let delivered: () => void = () => undefined;
  const channel = await open(() => delivered());
  const timing = await time('push', count, async () => {
    const arrived = new Promise<void>((resolve) => (delivered = resolve));
    await channel.send();
    await arrived;
  });
  await channel.close();
  return timing;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('bench: timed out waiting for the registry view');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Fresh thin sessions at FINISHED_ITEMS finished work items against `clean` ones (measured before
 * any history was stored), the same in an empty namespace beside that history (one project's
 * history must not slow another's), list_work at both sizes (alternately), and the hub's restart:
 * from starting `warp hub` to its first answer for the namespace with the history.
 */
async function historyRows(clean: FreshSession): Promise<Row[]> {
  const empty = await warpSession('empty');
  const full = await warpSession('history');
  const seeding = await createNatsBackend(await connectNats({ servers: server.url, transport: 'tcp' }), {
    replicas: 1,
  });
  progress(`history: seeding ${FINISHED_ITEMS} finished work items (compacted, as the hub leaves them)`);
  const seedStart = performance.now();
  await seedFinishedWork(seeding.events, 'history', FINISHED_ITEMS, () => ids.newId());
  progress(`history: seeded in ${fmt((performance.now() - seedStart) / 1000)} s`);
  await seeding.close();

  progress('history: restarting the hub');
  await hub.stop();
  const restartStart = performance.now();
  hub = await HubProcess.start({ NATS_URL: server.url });
  const servingMs = performance.now() - restartStart;
  await untilAnswered(() => full.app.listWork({ limit: 1 }));
  const restartMs = performance.now() - restartStart;

  progress(`history: list_work of the live work, ${LIST_WORK_CALLS} calls at each size`);
  // The same live work in both: what a project's history must not slow down is listing today's queue.
  for (const session of [empty, full])
    for (let n = 0; n < LIVE_ITEMS; n++)
      await session.app.broadcastWorkOffer({ taskId: `live-${n}`, description: 'live', requiredCapability: 'live' });
  const [listEmpty, listFull] = await timeSideBySide(
    LIST_WORK_CALLS,
    () => empty.app.listWork({ status: 'offered' }),
    () => full.app.listWork({ status: 'offered' }),
  );
  progress(`history: ${FRESH_SESSIONS} fresh sessions at each size, each a process of its own`);
  const [freshEmpty, freshFull] = await freshSessionsSideBySide(
    sessionEnv('empty'),
    sessionEnv('history'),
    FRESH_SESSIONS,
  );
  await empty.close();
  await full.close();

  const k = `${FINISHED_ITEMS / 1000}k`;
  const sized = (name: string, at0: number, atFull: number, unit: string, target: number, digits = 1): Row => {
    const ratio = atFull / at0;
    return {
      name,
      raw: `${fmt(at0, digits)} ${unit} @0`,
      warp: `${fmt(atFull, digits)} ${unit} @${k}`,
      ratio: `${fmt(ratio, 2)}×`,
      target: `≤ ${target}×`,
      ok: ratio <= target,
    };
  };
  return [
    sized('fresh session: first list_work answer', clean.firstAnswerMs, freshFull.firstAnswerMs, 'ms', 1.2),
    sized('fresh session: of which opening it', clean.openMs, freshFull.openMs, 'ms', 1.2),
    sized('fresh session: RSS after it', clean.rssBytes / MIB, freshFull.rssBytes / MIB, 'MiB', 1.2),
    sized('fresh session: peak RSS (VmHWM)', clean.peakRssBytes / MIB, freshFull.peakRssBytes / MIB, 'MiB', 1.2),
    {
      ...sized(
        `fresh session: 0 items, another namespace at ${k}`,
        clean.firstAnswerMs,
        freshEmpty.firstAnswerMs,
        'ms',
        1.2,
      ),
      warp: `${fmt(freshEmpty.firstAnswerMs)} ms @0 beside ${k}`,
    },
    sized('list_work (hub)', listEmpty.perOpUs / 1000, listFull.perOpUs / 1000, 'ms', 1.5, 2),
    {
      name: `hub restart → first answer @${k}`,
      raw: `${fmt(servingMs / 1000, 2)} s serving`,
      warp: `${fmt(restartMs / 1000, 2)} s`,
      ratio: '—',
      target: '≤ 2 s',
      ok: restartMs <= 2000,
    },
  ];
}

/** Calls `op` until the hub answers it: a hub still loading a namespace lets the first calls time out. */
async function untilAnswered(op: () => Promise<unknown>, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      await op();
      return;
    } catch (error) {
      if (!(error instanceof BackendUnavailable) || Date.now() > until) throw error;
    }
  }
}
