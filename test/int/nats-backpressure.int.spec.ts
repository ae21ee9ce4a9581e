import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNatsBackend, NatsBackendConnection, type NatsBackend } from '../../src/adapters/nats/nats-backend.js';
import { CryptoIds } from '../../src/adapters/system/crypto-ids.js';
import { OsProcessProbe } from '../../src/adapters/system/os-process-probe.js';
import { SystemClock } from '../../src/adapters/system/system-clock.js';
import { createSessionDeps, createWarpApp, Session, startSession, type WarpApp } from '../../src/application/index.js';
import { startNatsServer, type NatsServerHandle } from '../support/nats-server.js';
import { testSettings } from '../support/memory-fleet.js';

const BURST = 600;
const ITEMS = 150;

describe('bursts on a real nats-server: nothing dropped, everything acknowledged is there', () => {
  let server: NatsServerHandle;
  const backends: NatsBackend[] = [];
  const stops: Array<() => Promise<void>> = [];
  const agent = async (host: string, capabilities: string[] = []): Promise<WarpApp> => {
    const backend = await createNatsBackend(
      await NatsBackendConnection.open({ servers: server.url, transport: 'tcp' }),
      { replicas: 1 },
    );
    backends.push(backend);
    const deps = createSessionDeps(
      backend,
      new SystemClock(),
      new CryptoIds(),
      new Session('burst', host, 'ci', { session: host, pid: process.pid }),
      { ...testSettings, maxAttempts: 5 },
      new OsProcessProbe(),
    );
    const running = await startSession(deps, [{ name: 'firehose', description: '' }], (error) => {
      throw error;
    });
    stops.push(() => running.stop());
    const app = createWarpApp(deps);
    await app.registerAgent({ agentType: `agent-${host}`, capabilities });
    return app;
  };
  beforeAll(async () => {
    server = await startNatsServer();
  });
  afterAll(async () => {
    for (const stop of stops) await stop();
    for (const backend of backends) await backend.close();
    await server.dispose();
  });

  it(`${BURST} concurrent sends from two agents are all stored once, in each sender's order`, async () => {
    const [a, b] = [await agent('a'), await agent('b')];
    const sends = Array.from({ length: BURST }, (_, n) =>
      (n % 2 === 0 ? a : b).sendMessage({ channel: 'firehose', message: `${n % 2 === 0 ? 'a' : 'b'}:${n}` }),
    );
    const acknowledged = await Promise.all(sends);
    expect(new Set(acknowledged.map((s) => s.message.id)).size).toBe(BURST);
    const read: string[] = [];
    // Unread pages start at the reader's cursor, so this walks the channel from its start.
    for (
      let page = await a.readMessages({ channel: 'firehose', limit: 200, unreadOnly: true });
      page.messages.length > 0;
      page = await a.readMessages({ channel: 'firehose', limit: 200, unreadOnly: true })
    ) {
      read.push(...page.messages.map((m) => m.body));
    }
    expect(read).toHaveLength(BURST);
    expect(new Set(read).size).toBe(BURST);
    for (const sender of ['a', 'b']) {
      const order = read.filter((body) => body.startsWith(`${sender}:`)).map((body) => Number(body.slice(2)));
      expect(order).toEqual([...order].sort((x, y) => x - y));
    }
  });

  it(`a burst of ${ITEMS} offers drained by four concurrent claimers: each completed exactly once`, async () => {
    const boss = await agent('boss');
    const workers = await Promise.all([1, 2, 3, 4].map((n) => agent(`w${n}`, ['burst'])));
    const offered = await Promise.all(
      Array.from({ length: ITEMS }, (_, n) =>
        boss.broadcastWorkOffer({ taskId: `t${n}`, description: 'x', requiredCapability: 'burst' }),
      ),
    );
    const ids = new Set(offered.map((o) => o.workItem.workItemId));
    const completed: string[] = [];
    await Promise.all(
      workers.map(async (worker) => {
        while (completed.length < ITEMS) {
          const claim = await worker.claimWork({ capability: 'burst', timeout: 100 });
          if (!claim.claimed) continue;
          const done = await worker.completeWork({ workItemId: claim.workItem.workItemId });
          if (!done.alreadyCompleted) completed.push(claim.workItem.workItemId);
        }
      }),
    );
    expect(completed).toHaveLength(ITEMS);
    expect(new Set(completed)).toEqual(ids);
  });
});
