import { execFile } from 'node:child_process';
import { hostname } from 'node:os';
import { promisify } from 'node:util';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as names from '../../src/adapters/nats/nats-names.js';
import type { NatsBackend } from '../../src/adapters/nats/nats-backend.js';
import { CountingQuarantine } from '../../src/adapters/system/counting-quarantine.js';
import { CryptoIds } from '../../src/adapters/system/crypto-ids.js';
import { HubProcess } from '../support/hub-process.js';
import { openTestBackend } from '../support/nats-backend.js';
import { startNatsServer, type NatsServerHandle } from '../support/nats-server.js';
import { BIN, type StdioAgent } from '../support/stdio-agent.js';
import { agentPool, drainInbox } from './fault-support.js';

const NS = 'poison';
const run = promisify(execFile);

/** What a hostile peer on the same server puts everywhere Warp reads. */
const NOT_JSON = 'this is {not json';

/** Exports of nats-names.ts that name no place Warp reads (helpers); everything else must be poisoned below. */
const NOT_PLACES = [
  'assertToken',
  'nanos',
  'ensureStream',
  'eventsStreamConfig',
  'inboxStreamConfig',
  'checkpointStreamConfig',
];

const spec = (id: string) => ({
  id,
  taskId: `t-${id}`,
  description: 'forged',
  capability: 'poison',
  priority: 10,
  offeredBy: 'mallory',
  namespace: NS,
});
const events = (...list: unknown[]): string => JSON.stringify({ events: list });

/** How many times a process logged that it skipped a stored value matching `pattern`. */
const reports = (process: { stderr(): string }, pattern: RegExp): number =>
  process
    .stderr()
    .split('\n')
    .filter((line) => line.includes('skipped a stored value') && pattern.test(line)).length;

/** Resolves once `check` passes, retrying until the deadline (the agents see poison asynchronously). */
async function eventually(check: () => Promise<void>, deadlineMs = 15_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('hostile values on every stream, bucket and subject Warp reads, on a real nats-server', () => {
  let nats: NatsServerHandle;
  let nc: NatsConnection;
  let js: JetStreamClient;
  // Checkpoints are read by long-running processes, not sessions: this one reads them in process.
  const readerQuarantine = new CountingQuarantine();
  let reader: NatsBackend;
  let hub: HubProcess;
  const pool = agentPool();
  const start = (namespace = NS): Promise<StdioAgent> =>
    pool.start({ NATS_URL: nats.url, WARP_NAMESPACE: namespace, WARP_HUB: 'external' });

  beforeAll(async () => {
    nats = await startNatsServer();
    // The authority replays the history, so most of what is skipped is skipped (and logged) there.
    hub = await HubProcess.start({ NATS_URL: nats.url });
    nc = await connect({ servers: nats.url });
    js = jetstream(nc);
    reader = await openTestBackend(nats.url, { quarantine: readerQuarantine });
  });
  afterAll(async () => {
    await reader?.close();
    await pool.closeAll();
    await hub?.stop();
    await nc?.close();
    await nats?.dispose();
  });

  it('running agents answer every tool, new agents start, flows work, bad values are counted once and stdout stays protocol', async () => {
    // --- An honest project: two agents, a completed item, a read channel, reserved paths. ---
    const lead = await start();
    const worker = await start();
    const leadGuid = (await lead.call('register_agent', { agentType: 'lead', capabilities: ['poison'] })).agent.guid;
    const workerGuid = (await worker.call('register_agent', { agentType: 'worker', capabilities: ['poison'] })).agent
      .guid;
    const { workItem: done } = await lead.call('broadcast_work_offer', {
      taskId: 'done',
      description: 'honest',
      requiredCapability: 'poison',
    });
    expect((await worker.call('claim_work', { capability: 'poison', timeout: 5000 })).claimed).toBe(true);
    await worker.call('complete_work', { workItemId: done.workItemId, summary: 'ok' });
    await lead.call('send_message', { channel: 'roadmap', message: 'before the poison' });
    await worker.call('read_messages', { channel: 'roadmap', unreadOnly: true });
    await lead.call('reserve_paths', { paths: ['src/honest/**'], reason: 'before the poison' });
    // The guid the next agent will get (same project, host and handle → same guid).
    const newcomerGuid = new CryptoIds().stableId(NS, hostname(), 'newcomer');

    // --- Poison: every place nats-names.ts names, with non-JSON, wrong shapes and events replay must reject. ---
    const registry: KV = await new Kvm(js).open(names.REGISTRY_BUCKET);
    const cursors: KV = await new Kvm(js).open(names.CURSOR_BUCKET);
    const lyingSequence = (value: string) => {
      const h = headers();
      h.set('Nats-Sequence', value);
      return h;
    };
    const poisoners: Record<string, () => Promise<unknown>> = {
      eventsStream: async () => {
        for (const kind of ['work', 'channel', 'agent', 'reservation'] as const) {
          await js.publish(names.eventSubject(NS, kind, `junk-${kind}`), NOT_JSON);
          await js.publish(names.eventSubject(NS, kind, `shape-${kind}`), events({ type: 'WorkOffered', spec: null }));
        }
        await js.publish(`warp.ev.${NS}.work.NOT_AN_ID`, events({ type: 'WorkDiscarded', v: 1, at: 1 }));
        await js.publish(`warp.ev.${NS}.work.too.deep`, events({ type: 'WorkDiscarded', v: 1, at: 1 }));
      },
      eventSubject: async () => {
        // Transitions no decision makes: a completed item offered or claimed again, a channel created twice...
        const doneSubject = names.eventSubject(NS, 'work', done.workItemId);
        await js.publish(
          doneSubject,
          events({ type: 'WorkOffered', v: 1, spec: spec(done.workItemId), maxAttempts: 3, at: 1 }),
        );
        await js.publish(
          doneSubject,
          events({ type: 'WorkClaimed', v: 1, holder: 'mallory', attempt: 2, leaseUntil: 9e15, at: 2 }),
        );
        await js.publish(
          names.eventSubject(NS, 'work', 'ghost-1'),
          events({ type: 'WorkCompleted', v: 1, holder: 'x', at: 1 }),
        );
        await js.publish(
          names.eventSubject(NS, 'work', 'ghost-2'),
          events({ type: 'WorkOffered', v: 1, spec: spec('ghost-3'), maxAttempts: 3, at: 1 }),
        );
        await js.publish(
          names.eventSubject(NS, 'channel', 'roadmap'),
          events({ type: 'ChannelCreated', v: 1, name: 'roadmap', description: 'hijacked', retention: {}, at: 1 }),
        );
        await js.publish(
          names.eventSubject(NS, 'channel', 'ghost-channel'),
          events({ type: 'ChannelReconfigured', v: 1, description: 'x', retention: {}, at: 1 }),
        );
        await js.publish(
          names.eventSubject(NS, 'agent', newcomerGuid),
          events({ type: 'AgentPresenceUpdated', v: 1, status: 'busy', at: 1 }),
        );
        await js.publish(
          names.eventSubject(NS, 'agent', newcomerGuid),
          events({ type: 'AgentDeregistered', v: 1, at: 2 }),
        );
        // The project's reservation book, one aggregate: junk in its own history.
        await js.publish(names.eventSubject(NS, 'reservation', 'book'), NOT_JSON);
        await js.publish(names.eventSubject(NS, 'reservation', 'book'), events({ type: 'PathsReserved', v: 1 }));
      },
      INBOX_STREAM: () => js.publish(names.inboxSubject(workerGuid), NOT_JSON),
      inboxSubject: async () => {
        await js.publish(names.inboxSubject(workerGuid), JSON.stringify({ body: 1 }));
        await js.publish(
          names.inboxSubject(workerGuid),
          JSON.stringify({
            recipientGuid: leadGuid,
            senderGuid: 'x',
            senderHandle: 'mallory',
            messageType: 'text',
            body: 'for someone else',
            timestamp: 1,
          }),
        );
      },
      channelStream: () => js.publish(names.channelSubject(NS, 'roadmap'), NOT_JSON),
      // A stream that looks like one of the project's channels (what channel allowances count) but is not Warp's.
      channelStreamPrefix: async () =>
        (await jetstreamManager(nc)).streams.add({
          name: `${names.channelStreamPrefix(NS)}forged`,
          subjects: ['forged.channel.>'],
          max_bytes: -1,
        }),
      channelSubjects: () => js.publish(names.channelSubject(NS, 'roadmap'), '{"channel":"roadmap","body":7}'),
      channelSubject: async () => {
        await js.publish(names.channelSubject(NS, 'roadmap'), JSON.stringify({ channel: 'roadmap' }));
        await js.publish(
          names.channelSubject(NS, 'roadmap'),
          JSON.stringify({ channel: 'errors', senderHandle: 'mallory', timestamp: 1, body: 'misfiled' }),
        );
      },
      channelNotice: async () => {
        nc.publish(names.channelNotice(NS, 'roadmap'), NOT_JSON);
        nc.publish(names.channelNotice(NS, 'roadmap'), NOT_JSON, { headers: lyingSequence('abc') });
        nc.publish(names.channelNotice(NS, 'roadmap'), '{"channel":null}', { headers: lyingSequence('999') });
        await nc.flush();
      },
      workNotice: async () => {
        // Heard by every agent of the project that is pushed work.
        nc.publish(names.workNotice(NS), NOT_JSON);
        nc.publish(names.workNotice(NS), JSON.stringify({ workItemId: 'forged' }));
        await nc.flush();
      },
      directNotice: async () => {
        nc.publish(names.directNotice(workerGuid), NOT_JSON);
        nc.publish(names.directNotice(workerGuid), JSON.stringify({ id: '1' }));
        await nc.flush();
      },
      REGISTRY_BUCKET: async () => {
        await registry.put('junk-key', NOT_JSON);
        await registry.put('junk-shape', JSON.stringify({ profile: null }));
        // A real entry under another agent's key.
        await registry.put('impostor', (await registry.get(leadGuid))!.value);
      },
      TOMBSTONE_BUCKET: async () => {
        // What get_work_item reads for an item with no history.
        const tombstones: KV = await new Kvm(js).create(names.TOMBSTONE_BUCKET, { history: 1 });
        await tombstones.put(`${NS}.ghost-purged`, NOT_JSON);
      },
      CHECKPOINT_STREAM: async () => {
        await reader.checkpoints.load(NS); // makes the stream
        await js.publish(names.checkpointSubject(NS, 'head'), NOT_JSON);
      },
      checkpointSubject: async () => {
        // A well-formed manifest whose chunk is not a checkpoint.
        const chunk = await js.publish(names.checkpointSubject(`${NS}x`, 'abc'), JSON.stringify({ after: null }));
        const manifest = { id: 'abc', chunks: [chunk.seq], v: 2 };
        await js.publish(names.checkpointSubject(`${NS}x`, 'head'), JSON.stringify(manifest));
      },
      CURSOR_BUCKET: async () => {
        // Read by the next agent (a session caches its own cursors).
        await cursors.put(`${NS}.${newcomerGuid}.roadmap`, 'NaN!');
        await cursors.put(`${NS}.${newcomerGuid}.errors`, NOT_JSON);
      },
    };
    const places = Object.keys(names).filter((n) => !NOT_PLACES.includes(n));
    expect(Object.keys(poisoners).sort(), 'every stream, bucket and subject in nats-names.ts is poisoned').toEqual(
      places.sort(),
    );
    for (const poison of Object.values(poisoners)) await poison();
    // A poisoned checkpoint loads as none (a full replay follows) and is counted.
    expect(await reader.checkpoints.load(NS)).toBeUndefined();
    expect(await reader.checkpoints.load(`${NS}x`)).toBeUndefined();
    expect(readerQuarantine.counts()[names.CHECKPOINT_STREAM]).toBe(2);

    // --- The running agents saw it all go by, live, and counted it. ---
    await eventually(async () => {
      const { skipped } = await lead.call('get_my_handle');
      // A thin session reads the channel directory and notices (work offers among them); work and the registry are the hub's.
      expect(Object.keys(skipped).sort()).toEqual([names.eventsStream(NS, 'channel'), 'replay', 'warp.notify']);
    });
    // Ten bad values reach the worker as notices, each counted once: the four bad messages of the
    // roadmap channel that its stream republishes (sequences 2 to 5), the forged channel notices (one
    // without a valid sequence, whose second copy is the same value, and one at 999), two work notices
    // and two direct ones.
    await eventually(async () => {
      expect((await worker.call('get_my_handle')).skipped['warp.notify']).toBe(10);
    });

    // --- Every tool still answers, on both running agents. ---
    const called = new Set<string>();
    const call = async (agent: StdioAgent, tool: string, args: Record<string, unknown> = {}): Promise<any> => {
      called.add(tool);
      return agent.call(tool, args);
    };
    expect((await call(lead, 'get_my_handle')).connection).toBe('connected');
    expect(await call(lead, 'set_handle', { handle: 'lead' })).toEqual({ handle: 'lead' });
    const channels = (await call(worker, 'list_channels')).channels;
    expect(channels.find((c: { name: string }) => c.name === 'roadmap').description).not.toBe('hijacked');
    expect(channels.map((c: { name: string }) => c.name)).not.toContain('ghost-channel');
    expect((await call(lead, 'create_channel', { name: 'after', description: 'made after the poison' })).created).toBe(
      true,
    );
    const sent = await call(lead, 'send_message', { channel: 'roadmap', message: 'after the poison @worker' });
    const unread = await call(worker, 'read_messages', { channel: 'roadmap', unreadOnly: true });
    expect(unread.messages.map((m: { body: string }) => m.body)).toEqual(['after the poison @worker']);
    expect((await call(worker, 'wait_for_messages', { channels: ['roadmap'], timeoutMs: 0 })).timedOut).toBeDefined();
    expect(
      (await call(lead, 'discover_agents', { capability: 'poison' })).agents
        .map((a: { guid: string }) => a.guid)
        .sort(),
    ).toEqual([leadGuid, workerGuid].sort());
    expect((await call(worker, 'get_agent_info', { guid: leadGuid })).agent.handle).toBe('lead');
    await call(lead, 'update_presence', { status: 'busy' });
    expect((await call(lead, 'register_agent', { agentType: 'lead', capabilities: ['poison'] })).agent.guid).toBe(
      leadGuid,
    );
    await call(lead, 'send_direct_message', { recipientGuid: workerGuid, message: 'dm after the poison' });
    expect(
      (await call(worker, 'read_direct_messages', { limit: 100 })).messages.map((m: { body: string }) => m.body),
    ).toEqual(['dm after the poison']);
    expect(await drainInbox(worker), 'junk in the inbox is gone, not unread for ever').toEqual([]);

    const offer = async (taskId: string): Promise<string> =>
      (await call(lead, 'broadcast_work_offer', { taskId, description: taskId, requiredCapability: 'poison' })).workItem
        .workItemId;
    const claimed = async (): Promise<string> => {
      const claim = await call(worker, 'claim_work', { capability: 'poison', timeout: 5000 });
      expect(claim.claimed, JSON.stringify(claim)).toBe(true);
      return claim.workItem.workItemId;
    };
    const fresh = await offer('fresh');
    expect(await claimed()).toBe(fresh);
    await call(worker, 'report_work_progress', { workItemId: fresh, progress: 50 });
    expect((await call(worker, 'complete_work', { workItemId: fresh })).workItem.status).toBe('completed');
    const doomed = await offer('doomed');
    expect(await claimed()).toBe(doomed);
    await call(worker, 'fail_work', { workItemId: doomed, error: 'no', retryable: false });
    expect((await call(lead, 'list_dead_letter_items')).items.map((i: { workItemId: string }) => i.workItemId)).toEqual(
      [doomed],
    );
    expect((await call(lead, 'retry_dead_letter_item', { itemId: doomed })).workItem.status).toBe('offered');
    expect(await claimed()).toBe(doomed);
    await call(worker, 'fail_work', { workItemId: doomed, error: 'still no', retryable: false });
    await call(lead, 'discard_dead_letter_item', { itemId: doomed });
    // The completed item was neither offered nor claimed again, and its history is the honest one.
    const shown = await call(lead, 'get_work_item', { workItemId: done.workItemId });
    expect(shown.workItem.status).toBe('completed');
    expect(shown.events.map((e: { type: string }) => e.type)).toEqual(['WorkOffered', 'WorkClaimed', 'WorkCompleted']);
    const listed = await call(lead, 'list_work', { capability: 'poison' });
    expect(listed.depth.poison).toMatchObject({ offered: 0, claimed: 0, completed: 2 });
    expect(listed.items.map((i: { workItemId: string }) => i.workItemId)).not.toContain('ghost-3');
    expect(await lead.callError('get_work_item', { workItemId: 'ghost-purged' })).toMatch(/not found/);
    expect(reports(hub, new RegExp(`source=${names.TOMBSTONE_BUCKET}`))).toBe(1);
    // The project's reservation book, its stream poisoned, still grants, lists and releases.
    const reserved = await call(lead, 'reserve_paths', { paths: ['src/poison/**'], reason: 'after the poison' });
    expect(reserved.granted.map((r: { pattern: string }) => r.pattern)).toEqual(['src/poison/**']);
    expect((await call(worker, 'list_reservations')).reservations).toHaveLength(2);
    expect((await call(lead, 'release_paths')).released.sort()).toEqual(['src/honest/**', 'src/poison/**']);
    expect((await call(worker, 'deregister_agent')).deregistered).toBe(true);
    const tools = (await lead.client.listTools()).tools.map((t) => t.name);
    expect([...called].sort(), 'every tool was called after the poison').toEqual(tools.sort());

    // --- New agents start: in this project (its own stream poisoned before it existed) and in another. ---
    const newcomer = await start();
    await newcomer.call('set_handle', { handle: 'newcomer' });
    const registered = (await newcomer.call('register_agent', { agentType: 'newcomer', capabilities: ['poison'] }))
      .agent;
    expect(registered).toMatchObject({ guid: newcomerGuid, status: 'online' });
    // Its cursors hold junk: it reads from the start, and reading rewrites them.
    const firstRead = await newcomer.call('read_messages', { channel: 'roadmap', unreadOnly: true });
    expect(firstRead.messages.map((m: { body: string }) => m.body)).toEqual([
      'before the poison',
      'after the poison @worker',
    ]);
    expect(firstRead.messages.at(-1).id).toBe(sent.message.id);
    expect((await newcomer.call('read_messages', { channel: 'roadmap', unreadOnly: true })).messages).toEqual([]);
    expect((await newcomer.call('read_messages', { channel: 'errors', unreadOnly: true })).messages).toEqual([]);
    const { skipped } = await newcomer.call('get_my_handle');
    expect(skipped).toMatchObject({
      [names.eventsStream(NS, 'channel')]: expect.any(Number),
      replay: expect.any(Number),
      'warp-cursors': 2,
    });
    const elsewhere = await start('elsewhere');
    expect((await elsewhere.call('register_agent', { agentType: 'other' })).agent.status).toBe('online');
    // An honest project skips nothing of its own history (the server-wide registry junk is the hub's to skip).
    expect((await elsewhere.call('get_my_handle')).skipped).toEqual({});

    // --- warp status counts what it skipped. ---
    const { stdout } = await run(process.execPath, [BIN, 'status', '--json'], {
      env: { ...process.env, NATS_URL: nats.url, WARP_NAMESPACE: NS, LOG_LEVEL: 'ERROR' },
      timeout: 30_000,
    });
    const status = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(status.skipped).toMatchObject({
      [names.eventsStream(NS, 'channel')]: expect.any(Number),
      replay: expect.any(Number),
    });
    expect(status.hubs).toHaveLength(1);
    expect(status.hubs[0].skipped).toMatchObject({
      [names.eventsStream(NS, 'channel')]: expect.any(Number),
      [names.eventsStream(NS, 'work')]: expect.any(Number),
      replay: expect.any(Number),
      'warp-registry': 3,
      [names.TOMBSTONE_BUCKET]: 1,
    });

    // --- Each bad value was reported once, however often it was read again; stdout carried only protocol. ---
    expect(reports(hub, /WorkOffered cannot follow a work item that is completed/)).toBe(1);
    expect(reports(hub, /subject=junk-key/)).toBe(1);
    expect(reports(hub, /subject=warp\.ev\.poison\.reservation\.book /)).toBe(2);
    // The roadmap channel's four bad messages, read from its stream (they also came as the notices counted above).
    expect(reports(worker, /source=WARP_CH_poison_roadmap/)).toBe(4);
    for (const agent of [lead, worker, newcomer, elsewhere]) {
      expect(agent.protocolErrors, 'stdout carried only JSON-RPC').toEqual([]);
      expect(agent.stderr()).not.toMatch(/uncaught exception|unhandled rejection|background task failed/);
    }
    expect(hub.stderr()).not.toMatch(/uncaught exception|unhandled rejection/);
  }, 180_000);
});
