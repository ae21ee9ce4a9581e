import { jetstreamManager } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../src/application/index.js';
import { DomainError } from '../../src/domain/index.js';
import { BackendUnavailable } from '../../src/ports/index.js';
import { HubClient } from '../../src/adapters/hub/hub-client.js';
import { ReplyMux } from '../../src/adapters/nats/reply-mux.js';
import { startNatsServer, type NatsServerHandle } from '../support/nats-server.js';

/** A stand-in hub on a real nats-server: it answers `warp.hub.>` as `answer` says, so the client's edge can be tried. */
// Generous per-test time: on a busy machine a request round trip is slow, and none of these waits by sleeping.
describe('HubClient against a stand-in hub on a real nats-server', { timeout: 30_000 }, () => {
  let server: NatsServerHandle;
  let nc: NatsConnection;
  let hub: NatsConnection;
  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connect({ servers: server.url });
    hub = await connect({ servers: server.url });
  });
  afterAll(async () => {
    await nc?.close();
    await hub?.close();
    await server?.dispose();
  });

  const session = (): Session => new Session('proj', 'host', 'alice', { session: 'sess-1', pid: 1 });
  const client = (s: Session, launch?: () => void): HubClient =>
    new HubClient({
      requests: new ReplyMux(nc),
      session: s,
      server: server.url,
      connected: () => Promise.resolve(),
      checkPayload: () => undefined,
      ...(launch ? { launch } : {}),
    });
  /** Serves hub requests with `answer` (undefined: take the request and never reply) until stopped. */
  const serve = (answer: (subject: string, body: any) => unknown): Subscription =>
    hub.subscribe('warp.hub.>', {
      callback: (_error, msg) => {
        const reply = answer(msg.subject, msg.json());
        if (reply !== undefined) msg.respond(typeof reply === 'string' ? reply : JSON.stringify(reply));
      },
    });

  it('sends the session on the subject of its operation, namespace and caller, and adopts identity changes only from identity operations', async () => {
    const seen: string[] = [];
    const sub = serve((subject, body) => {
      seen.push(subject);
      expect(body.session).toMatchObject({ namespace: 'proj', holder: { session: 'sess-1', pid: 1 } });
      return { ok: true, result: { echoed: body.input }, session: { handle: 'bob', guid: 'g-1' } };
    });
    await hub.flush();
    try {
      const s = session();
      expect(await client(s).call('listWork', { limit: 1 })).toEqual({ echoed: { limit: 1 } });
      expect([s.handle, s.guid]).toEqual([undefined, undefined]);
      await client(s).call('registerAgent', {});
      expect([s.handle, s.guid]).toEqual(['bob', 'g-1']);
      expect(seen).toEqual(['warp.hub.listWork.proj.sess-1', 'warp.hub.registerAgent.proj.sess-1']);
    } finally {
      sub.unsubscribe();
    }
  });

  it("rethrows the hub's refusal as a DomainError with its code, and refuses replies it cannot read", async () => {
    let reply: unknown = {
      ok: false,
      error: { kind: 'domain', code: 'not_found', message: 'Work item x was not found' },
    };
    const sub = serve(() => reply);
    await hub.flush();
    try {
      const refused = await client(session())
        .call('getWorkItem', { workItemId: 'x' })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(DomainError);
      expect(refused).toMatchObject({ code: 'not_found', message: 'Work item x was not found' });
      reply = 'not json {';
      await expect(client(session()).call('listWork', {})).rejects.toThrow(/not JSON/);
      reply = { ok: 'maybe' };
      await expect(client(session()).call('listWork', {})).rejects.toThrow(/form this session does not know/);
      reply = { ok: false, error: { kind: 'unavailable', code: 'unavailable', message: 'NATS is away' } };
      await expect(client(session()).call('listWork', {})).rejects.toBeInstanceOf(BackendUnavailable);
    } finally {
      sub.unsubscribe();
    }
  });

  it('with no hub and nobody to start one, says at once to start `warp hub`', async () => {
    // The stand-in hubs of the tests before are gone once the server has their unsubscriptions.
    await hub.flush();
    await expect(client(session()).call('listWork', {})).rejects.toThrow(/No Warp hub answers.*`warp hub`/);
  });

  it('with no hub, starts one and waits for it to answer', async () => {
    let launches = 0;
    let sub: Subscription | undefined;
    const launch = (): void => {
      launches++;
      sub ??= serve(() => ({ ok: true, result: 'served', session: {} }));
    };
    try {
      expect(await client(session(), launch).call('listWork', {})).toBe('served');
      expect(launches).toBeGreaterThanOrEqual(1);
    } finally {
      sub?.unsubscribe();
    }
  });

  it('asks again, with the same request id, when a hub took a request and died without answering', async () => {
    const asked: string[] = [];
    const ids: string[] = [];
    const sub = serve((subject, body) => {
      asked.push(subject.split('.')[2]!);
      ids.push(body.id);
      // The first request of each operation is swallowed, as by a hub killed mid-request.
      return asked.filter((op) => op === subject.split('.')[2]).length === 1
        ? undefined
        : { ok: true, result: 'second answer', session: {} };
    });
    await hub.flush();
    try {
      expect(await client(session()).call('listWork', {})).toBe('second answer');
      expect(await client(session()).call('completeWork', { workItemId: 'w' })).toBe('second answer');
      expect(asked).toEqual(['listWork', 'listWork', 'completeWork', 'completeWork']);
      expect(ids[0]).toBe(ids[1]);
      expect(ids[2]).toBe(ids[3]);
      expect(new Set(ids).size).toBe(2);
    } finally {
      sub.unsubscribe();
    }
  }, 20_000);

  it('a deferred answer holds once the stream acknowledges; refused, the request is asked again without deferral', async () => {
    const jsm = await jetstreamManager(hub);
    await jsm.streams.add({ name: 'DEFER', subjects: ['defer.>'] });
    const asked: Array<string | undefined> = [];
    const refusals: Array<string | undefined> = [];
    let refuse = false;
    const sub = hub.subscribe('warp.hub.>', {
      callback: (_error, msg) => {
        const ackTo = msg.headers?.get('Warp-Ack') || undefined;
        asked.push(ackTo);
        refusals.push(msg.headers?.get('Warp-Refused') || undefined);
        if (!ackTo) {
          msg.respond(JSON.stringify({ ok: true, result: 'asked again', session: {} }));
          return;
        }
        // As the hub does: the append goes out with the answer, its ack to the session.
        const h = headers();
        if (refuse) h.set('Nats-Expected-Last-Subject-Sequence', '999');
        hub.publish(`defer.${asked.length}`, '{}', { reply: ackTo, headers: h });
        msg.respond(JSON.stringify({ ok: true, result: 'deferred', session: {}, deferred: true }));
      },
    });
    await hub.flush();
    try {
      expect(await client(session()).call('completeWork', { workItemId: 'w' })).toBe('deferred');
      expect((await jsm.streams.info('DEFER')).state.messages).toBe(1);
      refuse = true;
      expect(await client(session()).call('claimWork', { capability: 'ts' })).toBe('asked again');
      expect(await client(session()).call('listWork', {})).toBe('asked again');
      expect(asked.map((a) => a !== undefined)).toEqual([true, true, false, false]);
      // Asked again, it names the refused append's ack subject: a hub may have no other way to learn of it.
      expect(refusals).toEqual([undefined, undefined, asked[1], undefined]);
      expect((await jsm.streams.info('DEFER')).state.messages).toBe(1);
    } finally {
      sub.unsubscribe();
    }
  });

  it('with no word from the stream, asks again without deferral and answers as things then stand', async () => {
    const asked: Array<[string, boolean, string | undefined]> = [];
    const sub = hub.subscribe('warp.hub.>', {
      callback: (_error, msg) => {
        const ackTo = msg.headers?.get('Warp-Ack') || undefined;
        asked.push([msg.subject.split('.')[2]!, ackTo !== undefined, msg.headers?.get('Warp-Refused') || undefined]);
        // Deferred, and the append lost on the way (a stream leader being elected): no ack ever comes.
        msg.respond(
          JSON.stringify(
            ackTo
              ? { ok: true, result: 'deferred', session: {}, deferred: true }
              : { ok: true, result: 'as it stands', session: {} },
          ),
        );
      },
    });
    await hub.flush();
    try {
      expect(await client(session()).call('completeWork', { workItemId: 'w' })).toBe('as it stands');
      expect(await client(session()).call('claimWork', { capability: 'ts' })).toBe('as it stands');
      expect(asked.map(([op, deferred]) => [op, deferred])).toEqual([
        ['completeWork', true],
        ['completeWork', false],
        ['claimWork', true],
        ['claimWork', false],
      ]);
      // Asked again, it names the lost append's ack subject, so that the hub stops holding the item.
      expect(asked[1]![2]).toMatch(/^_INBOX\./);
    } finally {
      sub.unsubscribe();
    }
  }, 30_000);
});
