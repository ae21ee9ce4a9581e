import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { compactFinishedWork, createSessionDeps, Session } from '../../src/application/index.js';
import { startHubService, type RunningHub } from '../../src/adapters/hub/hub-service.js';
import { openHubNamespace, type HubNamespace } from '../../src/adapters/hub/hub-namespace.js';
import { createNatsBackend, NatsBackendConnection, type NatsBackend } from '../../src/adapters/nats/nats-backend.js';
import { CryptoIds } from '../../src/adapters/system/crypto-ids.js';
import { OsProcessProbe } from '../../src/adapters/system/os-process-probe.js';
import { SystemClock } from '../../src/adapters/system/system-clock.js';
import { openThinSession } from '../../src/composition/thin-session.js';
import { startNatsServer, type NatsServerHandle } from '../support/nats-server.js';
import { settings, workQueueContract, type SessionFactory } from './work-queue.contract.js';

/**
 * The work-queue contract again, through thin sessions and a hub on a real nats-server: every claim,
 * completion and listing crosses NATS request/reply, and gives what the in-process sessions give.
 */
describe('the work queue through a hub, on a real nats-server', () => {
  const clock = new SystemClock();
  const ids = new CryptoIds();
  const failures: unknown[] = [];
  let server: NatsServerHandle;
  let backend: NatsBackend;
  let hub: RunningHub;
  const namespaces = new Map<string, Promise<HubNamespace>>();
  beforeAll(async () => {
    server = await startNatsServer();
    backend = await createNatsBackend(await NatsBackendConnection.open({ servers: server.url, transport: 'tcp' }), {
      replicas: 1,
      shared: true,
    });
    const shared = {
      backend,
      clock,
      ids,
      processes: new OsProcessProbe(),
      settings,
      hostname: hostname(),
      onError: (error: unknown) => failures.push(error),
    };
    hub = await startHubService({
      ...shared,
      nc: backend.connection.nc,
      version: '0.0.0-contract',
      openModels: (ns) => {
        const opening = openHubNamespace(shared, ns);
        namespaces.set(ns, opening);
        return opening;
      },
    });
  });
  afterAll(async () => {
    await hub?.stop();
    await backend?.close();
    await server?.dispose();
    expect(failures).toEqual([]);
  });

  const thin: SessionFactory = async (ns, host) => {
    const deps = createSessionDeps(
      backend,
      clock,
      ids,
      new Session(ns, host, 'alice', { session: ids.newId(), pid: process.pid }),
      settings,
      new OsProcessProbe(),
    );
    const { app, running } = await openThinSession(deps, backend.connection, [], (error) => failures.push(error));
    // Compaction is the hub's upkeep: run a round of it on the hub's models of this namespace.
    const compact = async (): Promise<number> => {
      const { models } = await namespaces.get(ns)!;
      const hubSession = new Session(ns, 'hub', 'hub', { session: ids.newId(), pid: process.pid });
      return compactFinishedWork(
        createSessionDeps(backend, clock, ids, hubSession, settings, new OsProcessProbe(), models),
      );
    };
    return { app, stop: () => running.stop(), compact };
  };

  workQueueContract({ ports: () => backend, clock, advance: (ms) => sleep(ms), settle: (work) => work }, thin);
});
