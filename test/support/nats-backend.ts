import { afterAll, beforeAll } from 'vitest';
import {
  createNatsBackend,
  NatsBackendConnection,
  type NatsBackend,
  type NatsBackendOptions,
} from '../../src/adapters/nats/nats-backend.js';
import { startNatsServer, type NatsServerHandle } from './nats-server.js';

/** Every port on one connection to a test's nats-server, one replica unless `options` say otherwise. */
export async function openTestBackend(url: string, options: Partial<NatsBackendOptions> = {}): Promise<NatsBackend> {
  return createNatsBackend(await NatsBackendConnection.open({ servers: url, transport: 'tcp' }), {
    replicas: 1,
    ...options,
  });
}

/** A nats-server and a backend on it for the whole file, started before its tests and stopped after. */
export function useTestBackend(): { readonly server: NatsServerHandle; readonly backend: NatsBackend } {
  let server: NatsServerHandle | undefined;
  let backend: NatsBackend | undefined;
  beforeAll(async () => {
    server = await startNatsServer();
    backend = await openTestBackend(server.url);
  });
  afterAll(async () => {
    await backend?.close();
    await server?.dispose();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the test backend is used before its beforeAll ran');
    return value;
  };
  return {
    get server() {
      return started(server);
    },
    get backend() {
      return started(backend);
    },
  };
}
