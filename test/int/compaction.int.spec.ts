import { headers } from '@nats-io/transport-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { SNAPSHOT_HEADER } from '../../src/adapters/nats/nats-event-store.js';
import {
  CHECKPOINT_STREAM,
  checkpointSubject,
  eventsStream,
  eventSubject,
} from '../../src/adapters/nats/nats-names.js';
import { CryptoIds } from '../../src/adapters/system/crypto-ids.js';
import { OsProcessProbe } from '../../src/adapters/system/os-process-probe.js';
import { SystemClock } from '../../src/adapters/system/system-clock.js';
import { compactFinishedWork, createSessionDeps, openNamespaceModels, Session } from '../../src/application/index.js';
import type { WorkItemEvent } from '../../src/domain/index.js';
import type { StoredBatch, StreamId } from '../../src/ports/index.js';
import { openTestBackend, useTestBackend } from '../support/nats-backend.js';
import { testSettings } from '../support/memory-fleet.js';

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

  it('deletes the batches its caller says the snapshot replaces; one it missed stays, but is never read', async () => {
    const s = stream();
    const first = await at.backend.events.append<E>(s, [ev(1)], 0);
    const second = await at.backend.events.append<E>(s, [ev(2)], first);
    const third = await at.backend.events.append<E>(s, [ev(3)], second);
    const compacted = await at.backend.events.compact<E>(s, [ev(4)], third, [first, third]);
    const info = await at.backend.connection.jsm.streams.info(eventsStream(s.namespace, s.kind));
    expect(info.state.messages).toBe(2);
    expect(await at.backend.events.read<E>(s)).toEqual({ events: [ev(4)], revision: compacted });
    // A retention purge finds it all the same.
    await at.backend.events.purge(s);
    expect(await at.backend.events.read<E>(s)).toEqual({ events: [], revision: 0 });
    expect((await at.backend.connection.jsm.streams.info(eventsStream(s.namespace, s.kind))).state.messages).toBe(0);
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

  it('does not restore a checkpoint written before ADR 0029 (its position may be past batches its feed skipped)', async () => {
    const namespace = `compaction${process.pid}x${++count}`;
    const saved = {
      after: { channel: 0, work: 7 },
      channels: [],
      work: { live: [], recent: [], purges: [{ id: 'w-1', status: 'completed' as const, finishedAt: 5 }] },
    };
    await at.backend.checkpoints.save(namespace, saved);
    expect(await at.backend.checkpoints.load(namespace)).toEqual(saved);
    // The same checkpoint under a manifest as hubs wrote it before: no version.
    const head = await at.backend.connection.jsm.streams.getMessage(CHECKPOINT_STREAM, {
      last_by_subj: checkpointSubject(namespace, 'head'),
    });
    const { id, chunks } = head!.json<{ id: string; chunks: number[] }>();
    await at.backend.connection.publisher.publish(checkpointSubject(namespace, 'head'), JSON.stringify({ id, chunks }));
    expect(await at.backend.checkpoints.load(namespace)).toBeUndefined();
  });

  it('every offer stored while a hub compacts reaches its work index (issue 21: some never did)', async () => {
    const namespace = `compaction${process.pid}x${++count}`;
    const item = (id: string): StreamId => ({ namespace, kind: 'work', id });
    const offered = (id: string): E => ({
      type: 'WorkOffered',
      v: 1,
      spec: { id, taskId: id, description: id, capability: 'ts', priority: 5, offeredBy: 'boss', namespace },
      maxAttempts: 3,
      at: 0,
    });
    // Finished items for the hub to compact, stored by another process.
    const FINISHED = 300;
    const OFFERS = 1_000;
    const finished = Array.from({ length: FINISHED }, (_, n) => `done-${n}`);
    const stored = await Promise.all(finished.map((id) => at.backend.events.append<E>(item(id), [offered(id)], 0)));
    await Promise.all(
      finished.map((id, n) =>
        at.backend.events.append<E>(
          item(id),
          [
            { type: 'WorkClaimed', v: 1, holder: 'a1', attempt: 1, leaseUntil: Date.now() + 60_000, at: 1 },
            { type: 'WorkCompleted', v: 1, holder: 'a1', at: 2 },
          ],
          stored[n]!,
        ),
      ),
    );
    const hub = await openTestBackend(at.server.url);
    const models = await openNamespaceModels(hub, namespace);
    try {
      const ids = new CryptoIds();
      const session = new Session(namespace, 'hub-host', 'hub', { session: ids.newId(), pid: process.pid });
      const clock = new SystemClock();
      const deps = createSessionDeps(hub, clock, ids, session, testSettings, new OsProcessProbe(), models);
      expect(models.work.uncompacted(clock.now())).toHaveLength(FINISHED);
      // Offers arrive in a burst (the hub's feed falls behind) while the hub compacts.
      const offers = Promise.all(
        Array.from({ length: OFFERS }, (_, n) =>
          at.backend.events.append<E>(item(`new-${n}`), [offered(`new-${n}`)], 0),
        ),
      );
      const [compacted] = await Promise.all([compactFinishedWork(deps), offers]);
      expect(compacted).toBe(FINISHED);
      const open = () => models.work.live((s) => s.status === 'offered').length;
      for (const deadline = Date.now() + 5_000; open() < OFFERS && Date.now() < deadline;) await sleep(20);
      expect(open()).toBe(OFFERS);
    } finally {
      await models.close();
      await hub.close();
    }
  });
});
