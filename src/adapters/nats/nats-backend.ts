import { NatsBackendConnection } from './nats-connection.js';
import { NatsCursorStore } from './nats-cursor-store.js';
import { NatsEventStore } from './nats-event-store.js';
import { NatsMessageBus } from './nats-message-bus.js';
import { NatsRegistryStore } from './nats-registry-store.js';

export interface NatsBackendOptions {
  /** JetStream replicas for streams and buckets (3 on a cluster). */
  readonly replicas: number;
}

/** Every port on one NATS connection; same shape as the memory backend, plus close(). */
export async function createNatsBackend(conn: NatsBackendConnection, options: NatsBackendOptions) {
  const [registry, cursors] = await Promise.all([
    NatsRegistryStore.open(conn, options.replicas),
    NatsCursorStore.open(conn, options.replicas),
  ]);
  return {
    events: new NatsEventStore(conn, options.replicas),
    bus: new NatsMessageBus(conn, options.replicas),
    registry,
    cursors,
    connection: conn,
    async close(): Promise<void> {
      registry.close();
      await conn.close();
    },
  };
}

export type NatsBackend = Awaited<ReturnType<typeof createNatsBackend>>;
export { NatsBackendConnection };
