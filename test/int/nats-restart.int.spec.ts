import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNatsBackend, NatsBackendConnection, type NatsBackend } from '../../src/adapters/nats/nats-backend.js';
import { CryptoIds } from '../../src/adapters/system/crypto-ids.js';
import { SystemClock } from '../../src/adapters/system/system-clock.js';
import { createSessionDeps, createWarpApp, Session, startSession, type WarpApp } from '../../src/application/index.js';
import { BackendUnavailable } from '../../src/ports/index.js';
import { testSettings } from '../support/memory-fleet.js';
import { ignoreUnavailable, whenAvailable } from '../support/unavailable.js';
import { startNatsServer, type NatsServerHandle } from '../support/nats-server.js';

describe('a nats-server restart (file storage) in the middle of traffic', () => {
  let server: NatsServerHandle;
  const backends: NatsBackend[] = [];
  const stops: Array<() => Promise<void>> = [];
  const agent = async (host: string, capabilities: string[] = []): Promise<WarpApp & { guid: string }> => {
    // A short request timeout keeps calls made while the server is down short.
    const backend = await createNatsBackend(await NatsBackendConnection.open({ servers: server.url, transport: 'tcp', timeoutMs: 1_500 }), { replicas: 1 });
    backends.push(backend);
    const deps = createSessionDeps(backend, new SystemClock(), new CryptoIds(), new Session('restart', host, 'ci'), testSettings);
    // A heartbeat that falls in the outage fails (it waits for the connection only so long) and
    // is tried again on the next beat; anything else from the background fails the test.
    const running = await startSession(deps, [{ name: 'ops', description: '' }], (error) => {
      if (!(error instanceof BackendUnavailable)) throw error;
    });
    stops.push(() => running.stop());
    const app = createWarpApp(deps);
    const { agent: registered } = await app.registerAgent({ agentType: `agent-${host}`, capabilities });
    return Object.assign(app, { guid: registered.guid });
  };
  beforeAll(async () => {
    server = await startNatsServer();
  });
  afterAll(async () => {
    for (const stop of stops) await stop().catch(() => undefined);
    for (const backend of backends) await backend.close().catch(() => undefined);
    await server.dispose();
  });

  it('keeps every acknowledged message, DM and work item; clients reconnect by themselves', async () => {
    const sender = await agent('sender');
    const receiver = await agent('receiver', ['ops']);
    const sent: string[] = [];
    const dms: string[] = [];
    const items: string[] = [];
    const traffic = async (round: number): Promise<void> => {
      // Sends carry idempotency keys, so a send retried across the restart is stored once.
      const message = `m${round}`;
      await sender.sendMessage({ channel: 'ops', message, idempotencyKey: message }).then(() => sent.push(message), ignoreUnavailable);
      await sender.sendDirectMessage({ recipientGuid: receiver.guid, message: `dm${round}`, idempotencyKey: `dm${round}` }).then(() => dms.push(`dm${round}`), ignoreUnavailable);
      await sender.broadcastWorkOffer({ taskId: `t${round}`, description: 'x', requiredCapability: 'ops' }).then((o) => items.push(o.workItem.workItemId), ignoreUnavailable);
    };
    for (let round = 0; round < 10; round++) await traffic(round);
    const during = (async () => {
      for (let round = 10; round < 30; round++) await traffic(round);
    })();
    await server.restart();
    await during;
    for (let round = 30; round < 35; round++) await whenAvailable(() => traffic(round));

    expect(sent.length).toBeGreaterThanOrEqual(15);
    const read: string[] = [];
    for (;;) {
      const page = await whenAvailable(() => receiver.readMessages({ channel: 'ops', limit: 100, unreadOnly: true }));
      if (page.messages.length === 0) break;
      read.push(...page.messages.map((m) => m.body));
    }
    expect(read).toEqual(expect.arrayContaining(sent));
    expect(new Set(read).size).toBe(read.length);
    const inbox = await whenAvailable(() => receiver.readDirectMessages({ limit: 100 }));
    expect(inbox.messages.map((m) => m.body)).toEqual(expect.arrayContaining(dms));
    for (const id of items) expect((await whenAvailable(() => receiver.getWorkItem({ workItemId: id }))).workItem.status).toBe('offered');
  });

  it('a call made while the server is down fails with a clear error, and works again once it is back', async () => {
    const app = await agent('downtime');
    await server.stop();
    const down = await app.sendMessage({ channel: 'ops', message: 'while down' }).then(() => undefined, (error: unknown) => error);
    expect(down).toBeInstanceOf(BackendUnavailable);
    expect((down as Error).message).toMatch(/NATS did not/);
    await server.restart();
    const back = await whenAvailable(() => app.sendMessage({ channel: 'ops', message: 'back', idempotencyKey: 'back-1' }));
    expect(back.message.body).toBe('back');
  });
});
