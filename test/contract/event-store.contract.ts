import { describe, expect, it } from 'vitest';
import { RevisionConflict, type StoredBatch, type StreamId } from '../../src/ports/index.js';
import { eventually, freshNamespace, Signal, type PortsFixture } from './ports.js';

type E = { readonly type: string; readonly n?: number };

/** The EventStore port: optimistic appends, atomic batches, idempotent retries, replay then follow. */
export function eventStoreContract(fixture: PortsFixture): void {
  const store = () => fixture.ports().events;
  const stream = (id = 'item-1', namespace = freshNamespace()): StreamId => ({ namespace, kind: 'work', id });

  describe('EventStore', () => {
    it('reads an unknown stream as empty at revision 0', async () => {
      expect(await store().read(stream())).toEqual({ events: [], revision: 0 });
    });

    it('appends a batch atomically and reads it back at the revision append returned', async () => {
      const s = stream();
      const first = await store().append<E>(s, [{ type: 'A' }, { type: 'B' }], 0);
      const second = await store().append<E>(s, [{ type: 'C' }], first);
      expect(second).toBeGreaterThan(first);
      expect(await store().read<E>(s)).toEqual({
        events: [{ type: 'A' }, { type: 'B' }, { type: 'C' }],
        revision: second,
      });
    });

    it('rejects a stale expected revision with RevisionConflict and stores nothing', async () => {
      const s = stream();
      const revision = await store().append<E>(s, [{ type: 'A' }], 0);
      await expect(store().append<E>(s, [{ type: 'B' }], 0)).rejects.toBeInstanceOf(RevisionConflict);
      expect(await store().read<E>(s)).toEqual({ events: [{ type: 'A' }], revision });
    });

    it('lets exactly one of many concurrent appends at the same revision win', async () => {
      const s = stream();
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, n) => store().append<E>(s, [{ type: 'X', n }], 0)),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(RevisionConflict);
      expect((await store().read<E>(s)).events).toHaveLength(1);
    });

    it('stores a retried append with the same idempotency key once', async () => {
      const s = stream();
      const first = await store().append<E>(s, [{ type: 'A' }], 0, 'key-1');
      const retried = await store().append<E>(s, [{ type: 'A' }], 0, 'key-1');
      expect(retried).toBe(first);
      expect((await store().read<E>(s)).events).toEqual([{ type: 'A' }]);
    });

    it('keeps streams apart: revisions are per stream, namespaces do not mix', async () => {
      const ns = freshNamespace();
      const a = await store().append<E>(stream('a', ns), [{ type: 'A' }], 0);
      await store().append<E>(stream('b', ns), [{ type: 'B' }], 0);
      await store().append<E>(stream('a'), [{ type: 'other-ns' }], 0);
      expect(await store().read<E>(stream('a', ns))).toEqual({ events: [{ type: 'A' }], revision: a });
    });

    it('subscribe replays what is stored before resolving, then follows new batches of its namespace and kind only', async () => {
      const ns = freshNamespace();
      const r1 = await store().append<E>(stream('one', ns), [{ type: 'A' }, { type: 'B' }], 0);
      await store().append<E>({ namespace: ns, kind: 'channel', id: 'general' }, [{ type: 'not-work' }], 0);
      await store().append<E>(stream('one'), [{ type: 'other-ns' }], 0);
      const seen: Array<StoredBatch<E>> = [];
      const signal = new Signal();
      const sub = await store().subscribe<E>(ns, 'work', (batch) => {
        seen.push(batch);
        signal.fire();
      });
      try {
        expect(seen).toEqual([{ stream: stream('one', ns), revision: r1, events: [{ type: 'A' }, { type: 'B' }] }]);
        const r2 = await store().append<E>(stream('two', ns), [{ type: 'C' }], 0);
        await eventually(seen, (s) => s.length >= 2, signal);
        expect(seen[1]).toEqual({ stream: stream('two', ns), revision: r2, events: [{ type: 'C' }] });
      } finally {
        await sub.close();
      }
    });
  });
}
