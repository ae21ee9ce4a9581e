import { headers } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { SNAPSHOT_HEADER } from '../../src/adapters/nats/nats-event-store.js';
import { eventsStream, eventSubject } from '../../src/adapters/nats/nats-names.js';
import type { WorkItemEvent } from '../../src/domain/index.js';
import type { StoredBatch, StreamId } from '../../src/ports/index.js';
import { useTestBackend } from '../support/nats-backend.js';

type E = WorkItemEvent;
const ev = (at: number): E => ({ type: 'WorkDiscarded', v: 1, at });

/**
 * Compaction on NATS (ADR 0029): the snapshot is stored, then the messages it replaces are deleted
 * one by one, never by a rollup or subject purge (which moved every feed of the stream past what it
 * had not delivered yet on nats-server before 2.9.12).
 */
describe('compaction on a real nats-server', () => {
  const at = useTestBackend();
  let count = 0;
  const stream = (id = 'item'): StreamId => ({ namespace: `compaction${process.pid}x${++count}`, kind: 'work', id });

  /** Stores the snapshot `events` on `s` as a compaction does, without deleting anything yet. */
  async function snapshotOnly(s: StreamId, events: E[], expected: number, header: [string, string]) {
    const h = headers();
    h.set(...header);
    const ack = await at.backend.connection.publisher.publish(
      eventSubject(s.namespace, s.kind, s.id),
      JSON.stringify({ events }),
      { expect: { lastSubjectSequence: expected }, headers: h },
    );
    return ack.seq;
  }

  it('leaves the stream holding the snapshot alone, its history deleted', async () => {
    const s = stream();
    const other = await at.backend.events.append<E>({ ...s, id: 'other' }, [ev(0)], 0);
    const first = await at.backend.events.append<E>(s, [ev(1)], 0);
    const second = await at.backend.events.append<E>(s, [ev(2)], first);
    const compacted = await at.backend.events.compact<E>(s, [ev(3)], second);
    const info = await at.backend.connection.jsm.streams.info(eventsStream(s.namespace, s.kind));
    expect(info.state.messages).toBe(2);
    expect(await at.backend.events.read<E>(s)).toEqual({ events: [ev(3)], revision: compacted });
    expect(await at.backend.events.read<E>({ ...s, id: 'other' })).toEqual({ events: [ev(0)], revision: other });
  });

  it('reads an aggregate whose compaction was cut short (its history not deleted yet) as the snapshot alone', async () => {
    const s = stream();
    const first = await at.backend.events.append<E>(s, [ev(1)], 0);
    const snapshot = await snapshotOnly(s, [ev(2)], first, [SNAPSHOT_HEADER, 'replaces']);
    expect(await at.backend.events.read<E>(s)).toEqual({ events: [ev(2)], revision: snapshot });
  });

  it('still reads a snapshot an older hub stored with Nats-Rollup as the whole history', async () => {
    const s = stream();
    const first = await at.backend.events.append<E>(s, [ev(1)], 0);
    const seen: Array<StoredBatch<E>> = [];
    const feed = await at.backend.events.subscribe<E>(s.namespace, 'work', (batch) => void seen.push(batch));
    const snapshot = await snapshotOnly(s, [ev(2)], first, ['Nats-Rollup', 'sub']);
    const next = await at.backend.events.append<E>(s, [ev(3)], snapshot);
    expect(await at.backend.events.read<E>(s)).toEqual({ events: [ev(2), ev(3)], revision: next });
    while (!seen.some((b) => b.revision === next)) await new Promise((resolve) => setTimeout(resolve, 10));
    await feed.close();
    expect(seen.find((b) => b.revision === snapshot)?.replaces).toBe(true);
  });
});
