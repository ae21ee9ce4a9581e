import { randomUUID } from 'node:crypto';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishHeaders } from '../../src/adapters/nats/jetstream-publisher.js';
import { createNatsBackend, NatsBackendConnection, type NatsBackend } from '../../src/adapters/nats/nats-backend.js';
import { headerBytes, recordBytes } from '../../src/adapters/nats/stream-room.js';
import { CryptoIds } from '../../src/adapters/system/crypto-ids.js';
import { OsProcessProbe } from '../../src/adapters/system/os-process-probe.js';
import { SystemClock } from '../../src/adapters/system/system-clock.js';
import { createSessionDeps, createWarpApp, Session, startSession, type WarpApp } from '../../src/application/index.js';
import { QuotaExceeded, type StreamId } from '../../src/ports/index.js';
import { testSettings } from '../support/memory-fleet.js';
import { startNatsServer, type NatsServerHandle } from '../support/nats-server.js';

const QUOTA = 16_384;
const DESCRIPTION = 'd'.repeat(1_500);

/** Per-project storage quotas (WARP_PROJECT_MAX_BYTES) as the hub applies them, on a real nats-server. */
describe('a project at its storage quota', () => {
  let server: NatsServerHandle;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const backends: NatsBackend[] = [];
  const stops: Array<() => Promise<void>> = [];
  /** A backend as the hub opens it (projectMaxBytes set) or as a session does (undefined). */
  const backend = async (projectMaxBytes?: number): Promise<NatsBackend> => {
    const opened = await createNatsBackend(
      await NatsBackendConnection.open({ servers: server.url, transport: 'tcp' }),
      {
        replicas: 1,
        shared: true,
        ...(projectMaxBytes !== undefined ? { projectMaxBytes } : {}),
      },
    );
    backends.push(opened);
    return opened;
  };
  const agent = async (on: NatsBackend, namespace: string): Promise<WarpApp> => {
    const deps = createSessionDeps(
      on,
      new SystemClock(),
      new CryptoIds(),
      new Session(namespace, 'host', 'ci', { session: `${namespace}-session`, pid: process.pid }),
      testSettings,
      new OsProcessProbe(),
    );
    const running = await startSession(deps, [], (error) => {
      throw error;
    });
    stops.push(() => running.stop());
    const app = createWarpApp(deps);
    await app.registerAgent({ agentType: 'planner', capabilities: [] });
    return app;
  };
  const offer = (app: WarpApp, taskId: string) =>
    app.broadcastWorkOffer({ taskId, description: DESCRIPTION, requiredCapability: 'build' });
  const workStream = (ns: string) => jsm.streams.info(`WARP_EV_${ns}_work`);

  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connect({ servers: server.url });
    jsm = await jetstreamManager(nc);
  });
  afterAll(async () => {
    for (const stop of stops) await stop();
    for (const b of backends) await b.close();
    await nc?.close();
    await server?.dispose();
  });

  it('refuses its writes with the quota named, keeps all it acknowledged, and other projects keep working', async () => {
    const hub = await backend(QUOTA);
    const full = await agent(hub, 'quota-full');
    const other = await agent(hub, 'quota-other');
    const acknowledged: string[] = [];
    let refusal: unknown;
    for (let i = 0; i < 100 && refusal === undefined; i++) {
      try {
        acknowledged.push((await offer(full, `task-${i}`)).workItem.workItemId);
      } catch (error) {
        refusal = error;
      }
    }
    expect(refusal).toBeInstanceOf(QuotaExceeded);
    expect((refusal as QuotaExceeded).message).toMatch(
      /^storage quota: project "quota-full" holds its quota of work records, 16 KiB \(WARP_PROJECT_MAX_BYTES on the hub/,
    );
    expect(acknowledged.length).toBeGreaterThan(2);
    // Refused again, not dropping the oldest to make room.
    await expect(offer(full, 'one-more')).rejects.toBeInstanceOf(QuotaExceeded);
    const listed = await full.listWork({ status: 'offered', limit: 100 });
    expect(listed.items.map((w) => w.workItemId).sort()).toEqual([...acknowledged].sort());
    for (const id of acknowledged) expect((await full.getWorkItem({ workItemId: id })).workItem.status).toBe('offered');

    // The same server, the same hub: another project offers work and reads it back.
    const { workItem } = await offer(other, 'elsewhere');
    expect((await other.listWork({ status: 'offered' })).items.map((w) => w.workItemId)).toEqual([workItem.workItemId]);
    // The full project's other records (its agents') are not its work's quota.
    await expect(full.updatePresence({ status: 'busy' })).resolves.toBeDefined();
  });

  it('a lower quota never removes what a stream holds; a raised one lets writes through again', async () => {
    const before = (await workStream('quota-full')).state;
    const lower = await backend(QUOTA / 4);
    const again = await agent(lower, 'quota-full');
    await expect(offer(again, 'after-lowering')).rejects.toBeInstanceOf(QuotaExceeded);
    const lowered = await workStream('quota-full');
    expect(lowered.state.messages).toBe(before.messages);
    expect(lowered.state.first_seq).toBe(before.first_seq);

    // A session's backend has no say over the limits.
    const session = await agent(await backend(), 'quota-full');
    await expect(offer(session, 'from-a-session')).rejects.toBeInstanceOf(QuotaExceeded);
    expect((await workStream('quota-full')).config.max_bytes).toBe(lowered.config.max_bytes);

    const raised = await agent(await backend(QUOTA * 4), 'quota-full');
    await expect(offer(raised, 'after-raising')).resolves.toMatchObject({ created: true });
    expect((await workStream('quota-full')).config.max_bytes).toBe(QUOTA * 4);
  });

  it("a record that fits the server's check but not the quota as stored is refused, and nothing stored is dropped", async () => {
    // nats-server 2.9 checks a write against max_bytes by its payload and headers, stores it with its
    // subject and record overhead, and then deletes the stream's oldest messages to get back under.
    const hub = await backend(QUOTA);
    const item = (namespace: string, i: number): StreamId => ({ namespace, kind: 'work', id: `item-${1_000 + i}` });
    const record = (bytes: number) => [{ pad: 'x'.repeat(bytes) }];
    // What a record takes as stored, measured on a stream of its own (same subject length, same headers).
    await hub.events.append(item('quota-probe', 0), record(1_000), 0);
    const measured = (await workStream('quota-probe')).state.bytes;
    const subject = 'warp.ev.quota-probe.work.item-1000';
    const headers = publishHeaders({ msgID: `${subject}:${randomUUID()}`, expect: { lastSubjectSequence: 0 } });
    expect(recordBytes(subject, headerBytes(headers), JSON.stringify({ events: record(1_000) }).length)).toBe(measured);
    // Records of QUOTA/8 + 1 bytes: the eighth passes the server's check but would be 8 bytes past the quota.
    const pad = 1_000 + QUOTA / 8 + 1 - measured;
    const acknowledged: number[] = [];
    let refusal: unknown;
    for (let i = 0; i < 20 && refusal === undefined; i++) {
      try {
        acknowledged.push(await hub.events.append(item('quota-edges', i), record(pad), 0));
      } catch (error) {
        refusal = error;
      }
    }
    expect(refusal).toBeInstanceOf(QuotaExceeded);
    expect((refusal as QuotaExceeded).message).toMatch(/^storage quota: project "quota-edges" holds its quota/);
    expect(acknowledged).toHaveLength(7);
    const { state } = await workStream('quota-edges');
    expect({ messages: state.messages, first: state.first_seq }).toEqual({ messages: 7, first: 1 });
    for (const [i, revision] of acknowledged.entries())
      expect((await hub.events.read(item('quota-edges', i))).revision).toBe(revision);
    // Nor is one deferred into it (ADR 0026): the hub stores it the usual way, which refuses it.
    const feed = await hub.events.subscribe('quota-edges', 'work', () => {});
    expect(hub.events.prepareDeferred(item('quota-edges', 7), record(pad), 0, '_INBOX.none.1', () => {})).toBe(
      undefined,
    );
    await feed.close();
  });
});
