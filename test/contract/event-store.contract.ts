import { describe, expect, it } from 'vitest';
import type { ChannelEvent, WorkItemEvent } from '../../src/domain/index.js';
import { RevisionConflict, type StoredBatch, type StreamId } from '../../src/ports/index.js';
import { eventually, freshNamespace, Signal, type PortsFixture } from './ports.js';

type E = WorkItemEvent;
/** Events of the stream's kind (a backend that stores bytes decodes them by kind); told apart by `at`. */
const ev = (at: number): E => ({ type: 'WorkDiscarded', v: 1, at });
const [A, B, C] = [ev(1), ev(2), ev(3)];

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
      const first = await store().append<E>(s, [A, B], 0);
      const second = await store().append<E>(s, [C], first);
      expect(second).toBeGreaterThan(first);
      expect(await store().read<E>(s)).toEqual({
        events: [A, B, C],
        revision: second,
      });
    });

    it('rejects a stale expected revision with RevisionConflict and stores nothing', async () => {
      const s = stream();
      const revision = await store().append<E>(s, [A], 0);
      await expect(store().append<E>(s, [B], 0)).rejects.toBeInstanceOf(RevisionConflict);
      expect(await store().read<E>(s)).toEqual({ events: [A], revision });
    });

    it('lets exactly one of many concurrent appends at the same revision win', async () => {
      const s = stream();
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, n) => store().append<E>(s, [ev(100 + n)], 0)),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(RevisionConflict);
      expect((await store().read<E>(s)).events).toHaveLength(1);
    });

    it('stores a retried append with the same idempotency key once', async () => {
      const s = stream();
      const first = await store().append<E>(s, [A], 0, 'key-1');
      const retried = await store().append<E>(s, [A], 0, 'key-1');
      expect(retried).toBe(first);
      expect((await store().read<E>(s)).events).toEqual([A]);
    });

    it('keeps streams apart: revisions are per stream, namespaces do not mix', async () => {
      const ns = freshNamespace();
      const a = await store().append<E>(stream('a', ns), [A], 0);
      await store().append<E>(stream('b', ns), [B], 0);
      await store().append<E>(stream('a'), [ev(99)], 0);
      expect(await store().read<E>(stream('a', ns))).toEqual({ events: [A], revision: a });
    });

    it('subscribe replays what is stored before resolving, then follows new batches of its namespace and kind only', async () => {
      const ns = freshNamespace();
      const r1 = await store().append<E>(stream('one', ns), [A, B], 0);
      const notWork: ChannelEvent = { type: 'ChannelReconfigured', v: 1, description: '', retention: {}, at: 1 };
      await store().append<ChannelEvent>({ namespace: ns, kind: 'channel', id: 'general' }, [notWork], 0);
      await store().append<E>(stream('one'), [ev(99)], 0);
      const seen: Array<StoredBatch<E>> = [];
      const signal = new Signal();
      const sub = await store().subscribe<E>(ns, 'work', (batch) => {
        seen.push(batch);
        signal.fire();
      });
      try {
        expect(seen).toEqual([{ stream: stream('one', ns), revision: r1, events: [A, B] }]);
        const r2 = await store().append<E>(stream('two', ns), [C], 0);
        await eventually(seen, (s) => s.length >= 2, signal);
        expect(seen[1]).toEqual({ stream: stream('two', ns), revision: r2, events: [C] });
      } finally {
        await sub.close();
      }
    });

    it('compact leaves only the snapshot: read returns it at the revision compact returned, and the next append builds on it', async () => {
      const s = stream();
      const first = await store().append<E>(s, [A], 0);
      const second = await store().append<E>(s, [B], first);
      const compacted = await store().compact<E>(s, [C], second);
      expect(compacted).toBeGreaterThan(second);
      expect(await store().read<E>(s)).toEqual({ events: [C], revision: compacted });
      const next = await store().append<E>(s, [ev(4)], compacted);
      expect(await store().read<E>(s)).toEqual({ events: [C, ev(4)], revision: next });
    });

    it('refuses a compaction at a stale revision with RevisionConflict and keeps the history', async () => {
      const s = stream();
      const first = await store().append<E>(s, [A], 0);
      const second = await store().append<E>(s, [B], first);
      await expect(store().compact<E>(s, [C], first)).rejects.toBeInstanceOf(RevisionConflict);
      expect(await store().read<E>(s)).toEqual({ events: [A, B], revision: second });
    });

    it('compacts one stream only: its neighbours keep their history', async () => {
      const ns = freshNamespace();
      const a = await store().append<E>(stream('a', ns), [A], 0);
      const b = await store().append<E>(stream('b', ns), [B], 0);
      await store().compact<E>(stream('a', ns), [C], a);
      expect(await store().read<E>(stream('b', ns))).toEqual({ events: [B], revision: b });
    });

    it('a subscriber replaying after a compaction sees only the snapshot', async () => {
      const ns = freshNamespace();
      const first = await store().append<E>(stream('one', ns), [A], 0);
      const compacted = await store().compact<E>(stream('one', ns), [C], first);
      const seen: Array<StoredBatch<E>> = [];
      const sub = await store().subscribe<E>(ns, 'work', (batch) => void seen.push(batch));
      await sub.close();
      expect(seen).toEqual([{ stream: stream('one', ns), revision: compacted, events: [C], replaces: true }]);
    });

    it('purge forgets a stream: it reads as empty at revision 0, and may start again', async () => {
      const ns = freshNamespace();
      const s = stream('gone', ns);
      await store().append<E>(s, [A], 0);
      const kept = await store().append<E>(stream('kept', ns), [B], 0);
      await store().purge(s);
      expect(await store().read<E>(s)).toEqual({ events: [], revision: 0 });
      expect(await store().read<E>(stream('kept', ns))).toEqual({ events: [B], revision: kept });
      const again = await store().append<E>(s, [C], 0);
      expect(await store().read<E>(s)).toEqual({ events: [C], revision: again });
    });

    describe('a subscriber still replaying when another stream is compacted or purged', () => {
      /** More batches than a feed asks its server for at once, so it is far behind when `change` runs. */
      const COUNT = 1_000;

      /**
       * Stores COUNT one-batch streams, subscribes, and runs `change` on the newest one as the first
       * batch is delivered; returns what the subscriber got, once it has seen a batch stored after
       * the change, and the revisions each stream was stored at.
       */
      async function replayWhile(change: (s: StreamId, revision: number) => Promise<unknown>) {
        const ns = freshNamespace();
        const stored = new Map<string, number>();
        await Promise.all(
          Array.from({ length: COUNT }, async (_, n) =>
            stored.set(`i${n}`, await store().append<E>(stream(`i${n}`, ns), [ev(n)], 0)),
          ),
        );
        const [newest, revision] = [...stored].reduce((a, b) => (b[1] > a[1] ? b : a));
        stored.delete(newest);
        const seen: Array<StoredBatch<E>> = [];
        const signal = new Signal();
        let changed: Promise<unknown> | undefined;
        const subscribed = store().subscribe<E>(ns, 'work', (batch) => {
          changed ??= change(stream(newest, ns), revision);
          seen.push(batch);
          signal.fire();
        });
        await eventually(seen, (s) => s.length > 0, signal);
        await changed;
        const marker = await store().append<E>(stream('after', ns), [A], 0);
        const sub = await subscribed;
        try {
          await eventually(seen, (s) => s.some((b) => b.revision >= marker), signal);
        } finally {
          await sub.close();
        }
        return { seen, stored };
      }

      /** Each stream that neither changed nor was stored after the change, at the revision it was stored at. */
      const untouched = (seen: ReadonlyArray<StoredBatch<E>>, stored: ReadonlyMap<string, number>) =>
        seen.filter((b) => stored.has(b.stream.id)).map((b) => [b.stream.id, b.revision] as const);

      it('gets every batch of the other streams, each once (a compaction moves no subscriber past them)', async () => {
        const { seen, stored } = await replayWhile((s, revision) => store().compact<E>(s, [C], revision));
        expect(untouched(seen, stored)).toEqual([...stored].sort((a, b) => a[1] - b[1]));
      });

      it('gets every batch of the other streams, each once (a purge moves no subscriber past them)', async () => {
        const { seen, stored } = await replayWhile((s) => store().purge(s));
        expect(untouched(seen, stored)).toEqual([...stored].sort((a, b) => a[1] - b[1]));
      });
    });

    it('subscribe after a revision replays only the tail stored after it, then follows', async () => {
      const ns = freshNamespace();
      await store().append<E>(stream('one', ns), [A], 0);
      const mark = await store().append<E>(stream('two', ns), [B], 0);
      const tail = await store().append<E>(stream('one', ns), [C], (await store().read(stream('one', ns))).revision);
      const seen: Array<StoredBatch<E>> = [];
      const signal = new Signal();
      const sub = await store().subscribe<E>(
        ns,
        'work',
        (batch) => {
          seen.push(batch);
          signal.fire();
        },
        { after: mark },
      );
      try {
        expect(seen).toEqual([{ stream: stream('one', ns), revision: tail, events: [C] }]);
        const next = await store().append<E>(stream('two', ns), [A], mark);
        await eventually(seen, (s) => s.length >= 2, signal);
        expect(seen[1]).toEqual({ stream: stream('two', ns), revision: next, events: [A] });
      } finally {
        await sub.close();
      }
    });

    it('follow replays nothing and delivers only batches of its namespace and kind appended after it resolved', async () => {
      const ns = freshNamespace();
      await store().append<E>(stream('old', ns), [A], 0);
      const seen: Array<StoredBatch<E>> = [];
      const signal = new Signal();
      const sub = await store().follow<E>(ns, 'work', (batch) => {
        seen.push(batch);
        signal.fire();
      });
      try {
        const notWork: ChannelEvent = { type: 'ChannelReconfigured', v: 1, description: '', retention: {}, at: 1 };
        await store().append<ChannelEvent>({ namespace: ns, kind: 'channel', id: 'general' }, [notWork], 0);
        await store().append<E>(stream('other'), [ev(98)], 0);
        const revision = await store().append<E>(stream('new', ns), [B], 0);
        await eventually(seen, (s) => s.length >= 1, signal);
        expect(seen).toEqual([{ stream: stream('new', ns), revision, events: [B] }]);
      } finally {
        await sub.close();
      }
    });

    it('head is the revision of the newest batch of a kind in the namespace, and 0 for none', async () => {
      const ns = freshNamespace();
      expect(await store().head(ns, 'work')).toBe(0);
      const work = await store().append<E>(stream('a', ns), [A], 0);
      const notWork: ChannelEvent = { type: 'ChannelReconfigured', v: 1, description: '', retention: {}, at: 1 };
      const channel = await store().append<ChannelEvent>(
        { namespace: ns, kind: 'channel', id: 'general' },
        [notWork],
        0,
      );
      await store().append<E>(stream('a'), [B], 0);
      expect(await store().head(ns, 'work')).toBe(work);
      expect(await store().head(ns, 'channel')).toBe(channel);
      expect(await store().head(ns, 'agent')).toBe(0);
    });
  });
}
