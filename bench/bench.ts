import { jetstream, jetstreamManager, AckPolicy, DeliverPolicy, RetentionPolicy } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { agentId } from '../src/domain/index.js';
import {
  createSessionDeps,
  createWarpApp,
  Session,
  startSession,
  type Settings,
  type WarpApp,
} from '../src/application/index.js';
import { connectNats } from '../src/adapters/nats/nats-connection.js';
import { createNatsBackend } from '../src/adapters/nats/nats-backend.js';
import { CryptoIds } from '../src/adapters/system/crypto-ids.js';
import { OsProcessProbe } from '../src/adapters/system/os-process-probe.js';
import { SystemClock } from '../src/adapters/system/system-clock.js';
import { startNatsServer } from '../test/support/nats-server.js';
import { fmt, pipelined, printTable, progress, time, timeBlock, timeSideBySide, type Row } from './measure.js';

const settings: Settings = {
  maxMessageBytes: 65_536,
  leaseMs: 60_000,
  maxAttempts: 3,
  dlqTtlMs: 3_600_000,
  workRetentionMs: 604_800_000,
  heartbeatMs: 30_000,
  staleAfterMs: 90_000,
  channelLimits: { maxMessages: 100_000, maxBytes: 1_073_741_824, maxChannels: 256 },
};
const SENDS = 2000;
const READS = 300;
const WORK_ITEMS = 2000;
const WORKERS = 4;
const AGENTS = 5000;
const BIG_HISTORY = 100_000;
const PUSHES = 300;

const server = await startNatsServer();
const ids = new CryptoIds();
const clock = new SystemClock();
const body = 'x'.repeat(200);

async function warpSession(host: string): Promise<{ app: WarpApp; close(): Promise<void> }> {
  const conn = await connectNats({ servers: server.url, transport: 'tcp', name: `bench-${host}` });
  const backend = await createNatsBackend(conn, { replicas: 1 });
  const deps = createSessionDeps(
    backend,
    clock,
    ids,
    new Session('bench', host, 'bench', { session: ids.newId(), pid: process.pid }),
    settings,
    new OsProcessProbe(),
  );
  const running = await startSession(
    deps,
    [
      { name: 'small', description: '' },
      { name: 'big', description: '' },
      { name: 'send', description: '' },
    ],
    () => {},
  );
  return {
    app: createWarpApp(deps),
    close: async () => {
      await running.stop();
      await backend.close();
    },
  };
}

try {
  const nc = await connect({ servers: server.url });
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

  const lead = await warpSession('lead');
  await lead.app.setHandle({ handle: 'bench' });

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
  const viewer = await warpSession('viewer');
  await waitFor(async () => (await viewer.app.discoverAgents({ includeOffline: true })).count >= AGENTS);
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
  const workers = await Promise.all(Array.from({ length: WORKERS }, (_, i) => warpSession(`worker-${i}`)));
  for (const w of workers) await w.app.registerAgent({ agentType: 'worker', capabilities: ['bench'] });
  const completedBy = new Map<string, number>();
  const warpWork = await timeBlock('warp work', WORK_ITEMS, async () => {
    await pipelined(WORK_ITEMS, 1, (i) =>
      lead.app.broadcastWorkOffer({ taskId: `task-${i}`, description: 'bench', requiredCapability: 'bench' }),
    );
    let done = 0;
    await Promise.all(
      workers.map(async (w) => {
        while (done < WORK_ITEMS) {
          const claim = await w.app.claimWork({ capability: 'bench', timeout: 200 });
          if (!claim.claimed) continue;
          const result = await w.app.completeWork({ workItemId: claim.workItem.workItemId });
          if (!result.alreadyCompleted) {
            completedBy.set(claim.workItem.workItemId, (completedBy.get(claim.workItem.workItemId) ?? 0) + 1);
            done++;
          }
        }
      }),
    );
  });
  const lost = WORK_ITEMS - completedBy.size;
  const twice = [...completedBy.values()].filter((n) => n > 1).length;
  const rawRate = WORK_ITEMS / (rawWork.totalMs / 1000);
  const warpRate = WORK_ITEMS / (warpWork.totalMs / 1000);
  rows.push({
    ...ratioRow(`work drain (${WORKERS} workers)`, rawRate, warpRate, 'items/s', 0.3, true),
    target: '≥ 0.3×, 0 lost, 0 twice',
    ok: warpRate / rawRate >= 0.3 && lost === 0 && twice === 0,
  });
  process.stdout.write(`\nwork: ${lost} lost, ${twice} completed twice\n\n`);

  progress(`push: ${PUSHES} direct messages, each timed from send to the recipient's push`);
  const listener = await warpSession('listener');
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

  printTable(rows);
  for (const s of [lead, viewer, listener, ...workers]) await s.close();
  await registryBackend.close();
  await nc.close();
} finally {
  await server.dispose();
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
