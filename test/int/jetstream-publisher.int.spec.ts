import { JetStreamApiError, jetstreamManager } from '@nats-io/jetstream';
import {
  ClosedConnectionError,
  PermissionViolationError,
  RequestError,
  TimeoutError,
  type NatsConnection,
} from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JetStreamPublisher } from '../../src/adapters/nats/jetstream-publisher.js';
import { ReplyMux } from '../../src/adapters/nats/reply-mux.js';
import { isTransient } from '../../src/adapters/nats/transient.js';
import { startNatsServer, type NatsServerHandle } from '../support/nats-server.js';

const WRONG_LAST_SEQUENCE = 10071;

describe('JetStreamPublisher over a ReplyMux on a real nats-server: acks, refusals and failures as the client reports them', () => {
  let server: NatsServerHandle;
  let nc: NatsConnection;
  let publisher: JetStreamPublisher;

  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connect({ servers: server.url, noAsyncTraces: true });
    await (await jetstreamManager(nc)).streams.add({ name: 'PUB', subjects: ['pub.>'], duplicate_window: 60e9 });
    publisher = new JetStreamPublisher(new ReplyMux(nc), 2_000);
  });
  afterAll(async () => {
    await nc.close();
    await server.dispose();
  });

  it('stores each record once and answers each publish with its own sequence, however many are in flight', async () => {
    const acks = await Promise.all(
      Array.from({ length: 50 }, (_, i) => publisher.publish(`pub.many.${i}`, `{"i":${i}}`)),
    );
    expect(new Set(acks.map((a) => a.seq)).size).toBe(50);
    expect(acks.every((a) => a.stream === 'PUB' && !a.duplicate)).toBe(true);
    const stored = await (await jetstreamManager(nc)).streams.getMessage('PUB', { last_by_subj: 'pub.many.7' });
    expect(stored?.seq).toBe(acks[7]!.seq);
    expect(stored?.json()).toEqual({ i: 7 });
  });

  it('a repeated message id is acknowledged as a duplicate of the first', async () => {
    const first = await publisher.publish('pub.dedupe', '1', { msgID: 'same' });
    const again = await publisher.publish('pub.dedupe', '2', { msgID: 'same' });
    expect(again).toMatchObject({ seq: first.seq, duplicate: true });
  });

  it('a stored append sent again with its message id is its duplicate, though its expected sequence is stale now', async () => {
    // What retried and resent appends rely on (ADR 0026): the id is checked before the expectation.
    const first = await publisher.publish('pub.resend', 'a', { msgID: 'resend-1', expect: { lastSubjectSequence: 0 } });
    const again = await publisher.publish('pub.resend', 'a', { msgID: 'resend-1', expect: { lastSubjectSequence: 0 } });
    expect(again).toMatchObject({ seq: first.seq, duplicate: true });
  });

  it('an expected subject sequence that is not the newest is refused with the API error', async () => {
    const first = await publisher.publish('pub.expect', 'a', { expect: { lastSubjectSequence: 0 } });
    await publisher.publish('pub.expect', 'b', { expect: { lastSubjectSequence: first.seq } });
    const stale = publisher.publish('pub.expect', 'c', { expect: { lastSubjectSequence: first.seq } });
    await expect(stale).rejects.toSatisfy((e) => e instanceof JetStreamApiError && e.code === WRONG_LAST_SEQUENCE);
  });

  it('a subject no stream takes fails as "no responders", which the retries treat as transient', async () => {
    const error = await publisher.publish('nostream.here', 'x').catch((e: unknown) => e);
    expect(String(error)).toMatch(/no responders/);
    expect(isTransient(error)).toBe(true);
  });

  it('a subject answered by nothing times out with the client timeout error', async () => {
    const silent = nc.subscribe('silent.sink');
    const quick = new JetStreamPublisher(new ReplyMux(nc), 100);
    await expect(quick.publish('silent.sink', 'x')).rejects.toBeInstanceOf(TimeoutError);
    silent.unsubscribe();
  });

  it('a publish waiting when the connection closes fails at once instead of at its timeout', async () => {
    const own = await connect({ servers: server.url });
    own.subscribe('silent.close');
    await own.flush();
    const waiting = new JetStreamPublisher(new ReplyMux(own), 60_000).publish('silent.close', 'x');
    await own.close();
    await expect(waiting).rejects.toBeInstanceOf(ClosedConnectionError);
  });
});

describe('ReplyMux against a server that refuses a publish', () => {
  let server: NatsServerHandle;
  beforeAll(async () => {
    // One user who may publish to "allowed.>" only, and hear its replies.
    server = await startNatsServer({
      config:
        'authorization { users = [ { user: "u", password: "p", permissions: { publish: ["allowed.>"], subscribe: ["_INBOX.>"] } } ] }',
    });
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('fails the refused request at once with the permission error, not at its timeout', async () => {
    const nc = await connect({ servers: server.url, user: 'u', pass: 'p', noAsyncTraces: true });
    try {
      // Were it not failed at once, it would outlast the test's own timeout.
      const error = await new ReplyMux(nc).request('denied.here', 'x', { timeoutMs: 600_000 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RequestError);
      expect((error as RequestError).cause).toBeInstanceOf(PermissionViolationError);
    } finally {
      await nc.close();
    }
  });
});
