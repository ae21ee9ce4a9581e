import { describe, expect, it } from 'vitest';
import type { WorkTombstone } from '../../src/ports/index.js';
import { freshNamespace, type PortsFixture } from './ports.js';

/** The TombstoneStore port: what is kept of a purged work item, by namespace and id. */
export function tombstoneStoreContract(fixture: PortsFixture): void {
  const store = () => fixture.ports().tombstones;

  describe('TombstoneStore', () => {
    it('has no tombstone for an item never purged', async () => {
      expect(await store().get(freshNamespace(), 'w-1')).toBeUndefined();
    });

    it('returns the tombstone recorded for an item, and only in its namespace', async () => {
      const ns = freshNamespace();
      const now = fixture.clock.now();
      const tombstone: WorkTombstone = { status: 'completed', finishedAt: now - 10, purgedAt: now };
      await store().record(ns, 'w-1', tombstone);
      expect(await store().get(ns, 'w-1')).toEqual(tombstone);
      expect(await store().get(ns, 'w-2')).toBeUndefined();
      expect(await store().get(freshNamespace(), 'w-1')).toBeUndefined();
    });
  });
}
