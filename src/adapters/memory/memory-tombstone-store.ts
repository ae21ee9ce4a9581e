import type { Clock, TombstoneStore, WorkTombstone } from '../../ports/index.js';

/** Tombstones in a map, in the order they were recorded; each is forgotten `keepMs` after its purge. */
export class MemoryTombstoneStore implements TombstoneStore {
  private readonly tombstones = new Map<string, WorkTombstone>();

  constructor(
    private readonly clock: Clock,
    private readonly keepMs: number,
  ) {}

  async record(namespace: string, id: string, tombstone: WorkTombstone): Promise<void> {
    const key = `${namespace}/${id}`;
    this.tombstones.delete(key);
    this.tombstones.set(key, tombstone);
    this.forgetOld();
  }

  async get(namespace: string, id: string): Promise<WorkTombstone | undefined> {
    this.forgetOld();
    return this.tombstones.get(`${namespace}/${id}`);
  }

  private forgetOld(): void {
    const before = this.clock.now() - this.keepMs;
    for (const [key, { purgedAt }] of this.tombstones) {
      if (purgedAt > before) return;
      this.tombstones.delete(key);
    }
  }
}
