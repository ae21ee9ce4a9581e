import { setTimeout as sleep } from 'node:timers/promises';
import type { KV, KvEntry } from '@nats-io/kv';
import type { RegistryEntry, RegistryStore } from '../../ports/index.js';
import { registryEntrySchema } from './codecs/domain-schemas.js';
import type { StoredValueDecoder } from './codecs/stored-value-decoder.js';
import type { NatsBackendConnection } from './nats-connection.js';
import { isCasConflict } from './nats-kv.js';
import { provablyUndelivered, retryTransient, withinBudget, type RetryPolicy } from './transient.js';
import { assertToken, REGISTRY_BUCKET } from './nats-names.js';

const MAX_TRIES = 50;
const REWATCH_DELAY_MS = 1_000;

/**
 * Registry entries in KV (key = guid). Writes are compare-and-set loops that re-apply the
 * mutation to the newest revision; a watch, started by the first `list`, keeps an in-memory view for fast discovery.
 */
export class NatsRegistryStore implements RegistryStore {
  private readonly view = new Map<string, RegistryEntry>();
  private stopWatch: (() => void) | undefined;
  private closed = false;
  private watching: Promise<void> | undefined;
  private loaded = false;

  private constructor(
    private readonly conn: NatsBackendConnection,
    private readonly kv: KV,
    private readonly retry: RetryPolicy,
    private readonly decoder: StoredValueDecoder,
    private readonly onError: (error: unknown) => void,
  ) {}

  static async open(
    conn: NatsBackendConnection,
    replicas: number,
    decoder: StoredValueDecoder,
    onError: (error: unknown) => void,
  ): Promise<NatsRegistryStore> {
    return new NatsRegistryStore(
      conn,
      await retryTransient(() => conn.kvm.create(REGISTRY_BUCKET, { history: 1, replicas }), conn.retry),
      conn.retry,
      decoder,
      onError,
    );
  }

  /** The watch behind `list` starts on first use: a thin session, which only gets entries by key, never loads the registry. */
  private ensureWatch(): Promise<void> {
    this.watching ??= retryTransient(() => this.conn.watchableBucket(REGISTRY_BUCKET), this.retry)
      .then((watchable) => this.watch(watchable))
      .then(() => void (this.loaded = true))
      .catch((error: unknown) => {
        this.watching = undefined;
        throw error;
      });
    return this.watching;
  }

  private async watch(watchable: KV): Promise<void> {
    const { values } = await retryTransient(() => this.kv.status(), this.retry);
    const watcher = await retryTransient(() => watchable.watch(), this.retry);
    this.stopWatch = () => watcher.stop();
    let loaded: () => void = () => {};
    const initial = new Promise<void>((resolve) => (loaded = resolve));
    if (values === 0) loaded();
    void (async () => {
      for await (const entry of watcher) {
        // A value that does not decode hides the key, as if deleted, and the watch goes on.
        const value = this.decode(entry);
        if (value) this.view.set(entry.key, value);
        else this.view.delete(entry.key);
        if (!entry.isUpdate && entry.delta === 0) loaded();
        if (entry.isUpdate) loaded();
      }
    })().catch((error: unknown) => {
      // The watch's owner: report, never leave a start waiting, and watch again.
      this.onError(error);
      loaded();
      this.rewatch(watchable);
    });
    await initial;
  }

  private rewatch(watchable: KV): void {
    if (this.closed) return;
    void sleep(REWATCH_DELAY_MS)
      .then(() => (this.closed ? undefined : this.watch(watchable)))
      .catch((error: unknown) => {
        this.onError(error);
        this.rewatch(watchable);
      });
  }

  /** The entry a KV value holds, or undefined for a deletion or (reported) a value that is not an entry of its key. */
  private decode(entry: KvEntry | null): RegistryEntry | undefined {
    if (!entry || entry.operation !== 'PUT') return undefined;
    const origin = { source: REGISTRY_BUCKET, subject: entry.key, sequence: entry.revision };
    const value = this.decoder.decode(registryEntrySchema, entry.value, origin);
    if (!value || value.profile.guid === entry.key) return value;
    this.decoder.reject(origin, `the entry of agent ${value.profile.guid} stored under another key`);
    return undefined;
  }

  async get(guid: string): Promise<RegistryEntry | undefined> {
    // Once the watch has loaded the bucket (a hub's), it answers without a round trip.
    if (this.loaded && this.view.has(guid)) return this.view.get(guid);
    return this.decode(await retryTransient(() => this.kv.get(assertToken(guid)), this.retry));
  }

  async list(): Promise<readonly RegistryEntry[]> {
    await this.ensureWatch();
    return [...this.view.values()];
  }

  update(
    guid: string,
    mutate: (current: RegistryEntry | undefined) => RegistryEntry | undefined,
  ): Promise<RegistryEntry | undefined> {
    return withinBudget(this.retry, async () => {
      const key = assertToken(guid);
      for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
        const entry = await retryTransient(() => this.kv.get(key), this.retry);
        // An undecodable value is treated as absent, so this write replaces it.
        const current = this.decode(entry);
        const next = mutate(current);
        if (!next) return undefined;
        try {
          // A compare-and-set that timed out may have landed, so only unsent writes are repeated here.
          const value = JSON.stringify(next);
          await retryTransient(
            () => (entry ? this.kv.update(key, value, entry.revision) : this.kv.create(key, value)),
            this.retry,
            provablyUndelivered,
          );
          this.view.set(key, next);
          return next;
        } catch (error) {
          if (!isCasConflict(error)) throw error;
        }
      }
      throw new Error(`registry entry ${guid} is changing too fast; try again`);
    });
  }

  close(): void {
    this.closed = true;
    this.stopWatch?.();
  }
}
