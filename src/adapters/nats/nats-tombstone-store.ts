import { JetStreamApiError } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import type { TombstoneStore, WorkTombstone } from '../../ports/index.js';
import { workTombstoneSchema } from './codecs/domain-schemas.js';
import type { StoredValueDecoder } from './codecs/stored-value-decoder.js';
import type { NatsBackendConnection } from './nats-connection.js';
import { assertToken, nanos, TOMBSTONE_BUCKET } from './nats-names.js';
import { retryTransient } from './transient.js';

const STREAM_EXISTS_OTHERWISE = 10058;

/**
 * Tombstones in the KV bucket `warp-purged` (key `<ns>.<id>`), whose max age forgets each one
 * `keepMs` after it was written. Opened on first use: sessions that never purge nor look up
 * purged items never pay for it.
 */
export class NatsTombstoneStore implements TombstoneStore {
  private bucket: Promise<KV> | undefined;

  constructor(
    private readonly conn: NatsBackendConnection,
    private readonly replicas: number,
    private readonly keepMs: number,
    private readonly decoder: StoredValueDecoder,
  ) {}

  private kv(): Promise<KV> {
    this.bucket ??= retryTransient(() => this.open(), this.conn.retry).catch((error: unknown) => {
      this.bucket = undefined;
      throw error;
    });
    return this.bucket;
  }

  private async open(): Promise<KV> {
    try {
      return await this.conn.kvm.create(TOMBSTONE_BUCKET, { history: 1, replicas: this.replicas, ttl: this.keepMs });
    } catch (error) {
      if (!(error instanceof JetStreamApiError) || error.code !== STREAM_EXISTS_OTHERWISE) throw error;
    }
    // Made with another retention: the newest setting decides how long tombstones are kept.
    const { config } = await this.conn.jsm.streams.info(`KV_${TOMBSTONE_BUCKET}`);
    await this.conn.jsm.streams.update(config.name, { ...config, max_age: nanos(this.keepMs) });
    return this.conn.kvm.open(TOMBSTONE_BUCKET);
  }

  private key = (ns: string, id: string): string => `${assertToken(ns)}.${assertToken(id)}`;

  async record(namespace: string, id: string, tombstone: WorkTombstone): Promise<void> {
    const kv = await this.kv();
    await retryTransient(() => kv.put(this.key(namespace, id), JSON.stringify(tombstone)), this.conn.retry);
  }

  async get(namespace: string, id: string): Promise<WorkTombstone | undefined> {
    const kv = await this.kv();
    const key = this.key(namespace, id);
    const entry = await retryTransient(() => kv.get(key), this.conn.retry);
    if (!entry || entry.operation !== 'PUT') return undefined;
    return this.decoder.decode(workTombstoneSchema, entry.value, {
      source: TOMBSTONE_BUCKET,
      subject: key,
      sequence: entry.revision,
    });
  }
}
