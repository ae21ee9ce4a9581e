import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { createSessionDeps, Session } from '../../src/application/index.js';
import { startHubService, type RunningHub } from '../../src/adapters/hub/hub-service.js';
import { openNamespaceModels } from '../../src/adapters/hub/namespace-models.js';
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
  beforeAll(async () => {
    server = await startNatsServer();
    backend = await createNatsBackend(await NatsBackendConnection.open({ servers: server.url, transport: 'tcp' }), {
      replicas: 1,
      shared: true,
    });
    hub = await startHubService({
      nc: backend.connection.nc,
      backend,
      clock,
      ids,
      processes: new OsProcessProbe(),
      settings,
      hostname: hostname(),
      version: '0.0.0-contract',
      openModels: (ns) => openNamespaceModels(backend.events, backend.quarantine, ns),
      onError: (error) => failures.push(error),
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
    return { app, stop: () => running.stop() };
  };

  workQueueContract({ ports: () => backend, clock, advance: (ms) => sleep(ms), settle: (work) => work }, thin);
});
