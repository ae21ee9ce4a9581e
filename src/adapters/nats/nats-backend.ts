import { TOMBSTONE_RETENTIONS } from '../../domain/index.js';
import type { Quarantine } from '../../ports/index.js';
import { CountingQuarantine } from '../system/counting-quarantine.js';
import { StoredValueDecoder } from './codecs/stored-value-decoder.js';
import { NatsCheckpointStore } from './nats-checkpoint-store.js';
import { NatsBackendConnection } from './nats-connection.js';
import { NatsChannelLog } from './nats-channel-log.js';
import { NatsCursorStore } from './nats-cursor-store.js';
import { NatsEventStore } from './nats-event-store.js';
import { NatsInbox } from './nats-inbox.js';
import { NatsNotices } from './nats-notices.js';
import { NatsRegistryStore } from './nats-registry-store.js';
import { NatsTombstoneStore } from './nats-tombstone-store.js';

export interface NatsBackendOptions {
  /** JetStream replicas for streams and buckets (3 on a cluster). */
  readonly replicas: number;
  /** WARP_WORK_RETENTION: tombstones of purged items are kept TOMBSTONE_RETENTIONS times it (default a week). */
  readonly workRetentionMs?: number;
  /** Where values read back that do not decode are reported (default: counted only). */
  readonly quarantine?: Quarantine;
  /** Owner of the background loops (feeds, watches, notice callbacks): what fails there is handed here, never thrown. */
  readonly onError?: (error: unknown) => void;
  /** Serves many sessions (a hub): caches nothing that sessions write elsewhere. */
  readonly shared?: boolean;
  /** Set by the hub alone (WARP_PROJECT_MAX_BYTES, -1 for none): each of a project's event streams holds at most this. */
  readonly projectMaxBytes?: number;
}

const WEEK = 7 * 86_400_000;

const toStderr = (error: unknown): void =>
  void process.stderr.write(
    `warp: background task failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );

/** Every port on one NATS connection; same shape as the memory backend, plus close(). */
export async function createNatsBackend(conn: NatsBackendConnection, options: NatsBackendOptions) {
  const quarantine = options.quarantine ?? new CountingQuarantine();
  const onError = options.onError ?? toStderr;
  const decoder = new StoredValueDecoder(quarantine);
  const [registry, cursors] = await Promise.all([
    NatsRegistryStore.open(conn, options.replicas, decoder, onError),
    NatsCursorStore.open(conn, options.replicas, decoder, options.shared),
  ]);
  return {
    events: new NatsEventStore(conn, options.replicas, decoder, onError, options.projectMaxBytes),
    channelLog: new NatsChannelLog(conn, options.replicas, decoder),
    inbox: new NatsInbox(conn, options.replicas, decoder),
    notices: new NatsNotices(conn, decoder, onError),
    registry,
    cursors,
    checkpoints: new NatsCheckpointStore(conn, options.replicas, decoder),
    tombstones: new NatsTombstoneStore(
      conn,
      options.replicas,
      TOMBSTONE_RETENTIONS * (options.workRetentionMs ?? WEEK),
      decoder,
    ),
    connection: conn,
    quarantine,
    async close(): Promise<void> {
      registry.close();
      await conn.close();
    },
  };
}

export type NatsBackend = Awaited<ReturnType<typeof createNatsBackend>>;
export { NatsBackendConnection };
