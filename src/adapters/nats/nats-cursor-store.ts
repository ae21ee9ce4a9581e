import type { KV, KvEntry } from '@nats-io/kv';
import type { CursorStore } from '../../ports/index.js';
import type { StoredValueDecoder } from './codecs/stored-value-decoder.js';
import type { NatsBackendConnection } from './nats-connection.js';
import { isCasConflict } from './nats-kv.js';
import { provablyUndelivered, retryTransient, withinBudget, type RetryPolicy } from './transient.js';
import { assertToken, CURSOR_BUCKET } from './nats-names.js';

const SEQUENCE = /^(0|[1-9][0-9]{0,15})$/;

/** Read cursors in KV, key `<ns>.<guid>.<channel>`; they only move forward (compare-and-set). */
export class NatsCursorStore implements CursorStore {
  // A session is the only one moving its own cursors, so what it read or wrote last is current;
  // a hub reads cursors that sessions move, so it keeps no cache (`shared`).
  private readonly cache: Map<string, number> | undefined;

  private constructor(
    private readonly kv: KV,
    private readonly retry: RetryPolicy,
    private readonly decoder: StoredValueDecoder,
    shared: boolean,
  ) {
    this.cache = shared ? undefined : new Map();
  }

  static async open(
    conn: NatsBackendConnection,
    replicas: number,
    decoder: StoredValueDecoder,
    shared = false,
  ): Promise<NatsCursorStore> {
    return new NatsCursorStore(
      await retryTransient(() => conn.kvm.create(CURSOR_BUCKET, { history: 1, replicas }), conn.retry),
      conn.retry,
      decoder,
      shared,
    );
  }

  /** The sequence a cursor holds; 0 when there is none or (reported) when the value is not a sequence, so it is rewritten. */
  private decode(entry: KvEntry | null): number {
    if (!entry || entry.operation !== 'PUT') return 0;
    const text = entry.string();
    if (SEQUENCE.test(text)) return Number(text);
    this.decoder.reject(
      { source: CURSOR_BUCKET, subject: entry.key, sequence: entry.revision },
      'not a message sequence (decimal digits)',
    );
    return 0;
  }

  private key = (ns: string, guid: string, channel: string): string =>
    `${assertToken(ns)}.${assertToken(guid)}.${assertToken(channel)}`;

  async get(ns: string, guid: string, channel: string): Promise<number> {
    const key = this.key(ns, guid, channel);
    const cached = this.cache?.get(key);
    if (cached !== undefined) return cached;
    const entry = await retryTransient(() => this.kv.get(key), this.retry);
    const value = this.decode(entry);
    this.cache?.set(key, value);
    return value;
  }

  advance(ns: string, guid: string, channel: string, sequence: number): Promise<void> {
    return withinBudget(this.retry, async () => {
      const key = this.key(ns, guid, channel);
      for (;;) {
        const entry = await retryTransient(() => this.kv.get(key), this.retry);
        const current = this.decode(entry);
        if (current >= sequence) {
          this.cache?.set(key, current);
          return;
        }
        try {
          // A compare-and-set that timed out may have landed, so only unsent writes are repeated here.
          await retryTransient(
            () =>
              entry ? this.kv.update(key, String(sequence), entry.revision) : this.kv.create(key, String(sequence)),
            this.retry,
            provablyUndelivered,
          );
          this.cache?.set(key, sequence);
          return;
        } catch (error) {
          if (!isCasConflict(error)) throw error;
        }
      }
    });
  }
}
