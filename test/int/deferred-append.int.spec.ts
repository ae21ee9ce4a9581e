import { describe, expect, it } from 'vitest';
import type { StoredBatch, StreamId } from '../../src/ports/index.js';
import { useTestBackend } from '../support/nats-backend.js';

/**
 * A deferred append (ADR 0026) learns its outcome from the store's feed of its stream, which the
 * hub reads anyway: stored when the feed delivers it, refused when the feed delivers another change
 * to the aggregate after the revision it expected.
 */
describe('a deferred append on a real nats-server', () => {
  const at = useTestBackend();
  let namespace = 0;

  /** A fresh namespace with one stored event, a feed of it, and the acks a session would get. */
  async function setUp() {
    const stream: StreamId = { namespace: `deferred${++namespace}`, kind: 'work', id: 'item-1' };
    const first = await at.backend.events.append(stream, [{ n: 0 }], 0);
    const delivered: Array<StoredBatch<unknown>> = [];
    const feed = await at.backend.events.subscribe(stream.namespace, 'work', (batch) => void delivered.push(batch));
    const acks = at.backend.connection.nc.subscribe(`_INBOX.deferred-${namespace}.*`);
    const outcome = (events: unknown[], expected: number, ackTo: string) => {
      let settled: (revision: number | undefined) => void = () => {};
      const revision = new Promise<number | undefined>((resolve) => (settled = resolve));
      const send = at.backend.events.prepareDeferred(stream, events, expected, ackTo, settled);
      return { send, revision };
    };
    return { stream, first, delivered, feed, acks, outcome };
  }

  it('settles with the stored revision once its stream’s feed delivers it; the ack goes to the caller', async () => {
    const { first, delivered, feed, acks, outcome } = await setUp();
    const { send, revision } = outcome([{ n: 1 }], first, `_INBOX.deferred-${namespace}.1`);
    expect(send).toBeTypeOf('function');
    send!();
    const stored = await revision;
    for await (const ack of acks) {
      expect(ack.json()).toMatchObject({ seq: stored });
      break;
    }
    expect(stored).toBeGreaterThan(first);
    // Subscribers still get it, after the writer learnt of it.
    expect(delivered.map((b) => b.revision)).toContain(stored);
    await feed.close();
  });

  it('settles as refused once the feed shows another change after the revision it expected', async () => {
    const { first, feed, acks, outcome } = await setUp();
    const winner = outcome([{ n: 'winner' }], first, `_INBOX.deferred-${namespace}.1`);
    const loser = outcome([{ n: 'loser' }], first, `_INBOX.deferred-${namespace}.2`);
    winner.send!();
    loser.send!();
    const [won, lost] = await Promise.all([winner.revision, loser.revision]);
    expect(won).toBeGreaterThan(first);
    expect(lost).toBeUndefined();
    // The session of the refused one is told by the stream itself.
    const answers = new Map<string, unknown>();
    for await (const ack of acks) {
      answers.set(ack.subject, ack.json());
      if (answers.size === 2) break;
    }
    expect(answers.get(`_INBOX.deferred-${namespace}.1`)).toMatchObject({ seq: won });
    expect(answers.get(`_INBOX.deferred-${namespace}.2`)).toMatchObject({ error: { err_code: 10071 } });
    await feed.close();
  });

  it('settles as refused when its session says the stream refused it, which the feed may never show', async () => {
    const { first, feed, acks, outcome } = await setUp();
    // Expecting a revision the aggregate is past: refused, and nothing new reaches the feed.
    const stale = outcome([{ n: 'stale' }], first - 1, `_INBOX.deferred-${namespace}.1`);
    stale.send!();
    for await (const ack of acks) {
      expect(ack.json()).toMatchObject({ error: { err_code: 10071 } });
      break;
    }
    at.backend.events.refusedDeferred(`_INBOX.deferred-${namespace}.1`);
    expect(await stale.revision).toBeUndefined();
    await feed.close();
  });

  it('is not offered while a feed of the stream is far behind (it would hold the aggregate until caught up)', async () => {
    const { stream, first, feed } = await setUp();
    await Promise.all(
      Array.from({ length: 300 }, (_, i) => at.backend.events.append({ ...stream, id: `other-${i}` }, [{ n: i }], 0)),
    );
    const offered: boolean[] = [];
    const replay = await at.backend.events.subscribe(stream.namespace, 'work', () => {
      offered.push(
        at.backend.events.prepareDeferred(stream, [{ n: 1 }], first, '_INBOX.none.1', () => {}) !== undefined,
      );
    });
    // Offered again once caught up: the last replayed message left nothing to deliver.
    expect([offered[0], offered.at(-1), offered.length]).toEqual([false, true, 301]);
    await replay.close();
    await feed.close();
  });

  it('is not offered without a feed of the stream, which is where its outcome would come from', async () => {
    const { stream, first, feed } = await setUp();
    await feed.close();
    expect(at.backend.events.prepareDeferred(stream, [{ n: 1 }], first, '_INBOX.none.1', () => {})).toBeUndefined();
  });
});
