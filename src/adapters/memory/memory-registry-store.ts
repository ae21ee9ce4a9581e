import type { RegistryEntry, RegistryStore } from '../../ports/index.js';

export class MemoryRegistryStore implements RegistryStore {
  private readonly entries = new Map<string, RegistryEntry>();

  async get(guid: string): Promise<RegistryEntry | undefined> {
    return this.entries.get(guid);
  }

  async list(): Promise<readonly RegistryEntry[]> {
    return [...this.entries.values()];
  }

  /** Single-threaded, so the compare-and-set always succeeds first time. */
  async update(
    guid: string,
    mutate: (current: RegistryEntry | undefined) => RegistryEntry | undefined,
  ): Promise<RegistryEntry | undefined> {
    const next = mutate(this.entries.get(guid));
    if (next) this.entries.set(guid, structuredClone(next));
    return next;
  }
}
