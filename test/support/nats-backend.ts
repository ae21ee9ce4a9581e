import {
  createNatsBackend,
  NatsBackendConnection,
  type NatsBackend,
  type NatsBackendOptions,
} from '../../src/adapters/nats/nats-backend.js';

/** Every port on one connection to a test's nats-server, one replica unless `options` say otherwise. */
export async function openTestBackend(url: string, options: Partial<NatsBackendOptions> = {}): Promise<NatsBackend> {
  return createNatsBackend(await NatsBackendConnection.open({ servers: url, transport: 'tcp' }), {
    replicas: 1,
    ...options,
  });
}
