import { hostname } from 'node:os';
import type { Settings } from '../../src/application/index.js';
import { openHubNamespace, type HubNamespace } from '../../src/adapters/hub/hub-namespace.js';
import { startHubService, type RunningHub } from '../../src/adapters/hub/hub-service.js';
import type { NatsBackend } from '../../src/adapters/nats/nats-backend.js';
import { CryptoIds } from '../../src/adapters/system/crypto-ids.js';
import { OsProcessProbe } from '../../src/adapters/system/os-process-probe.js';
import { SystemClock } from '../../src/adapters/system/system-clock.js';
import { openTestBackend } from './nats-backend.js';
import { startNatsServer, type NatsServerHandle } from './nats-server.js';

/** A real nats-server and a hub service in this process on it, sharing one backend with the test. */
export interface InProcessHub {
  readonly server: NatsServerHandle;
  readonly backend: NatsBackend;
  readonly hub: RunningHub;
  readonly clock: SystemClock;
  readonly ids: CryptoIds;
  /** The namespaces the hub opened, as it keeps them. */
  readonly namespaces: ReadonlyMap<string, Promise<HubNamespace>>;
  /** What the hub reported failing (a client's mistakes are not among them). */
  readonly failures: unknown[];
  stop(): Promise<void>;
}

export async function startInProcessHub(settings: Settings, version: string): Promise<InProcessHub> {
  const server = await startNatsServer();
  const backend = await openTestBackend(server.url, { shared: true });
  const failures: unknown[] = [];
  const namespaces = new Map<string, Promise<HubNamespace>>();
  const shared = {
    backend,
    clock: new SystemClock(),
    ids: new CryptoIds(),
    processes: new OsProcessProbe(),
    settings,
    hostname: hostname(),
    onError: (error: unknown) => failures.push(error),
  };
  const hub = await startHubService({
    ...shared,
    nc: backend.connection.nc,
    version,
    deferrals: backend.events,
    openModels: (ns) => {
      const opening = openHubNamespace(shared, ns);
      namespaces.set(ns, opening);
      return opening;
    },
  });
  return {
    server,
    backend,
    hub,
    clock: shared.clock,
    ids: shared.ids,
    namespaces,
    failures,
    async stop() {
      await hub.stop();
      await backend.close();
      await server.dispose();
    },
  };
}
