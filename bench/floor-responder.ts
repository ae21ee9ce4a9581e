/**
 * The least any hub can do per operation, as a process of its own: take a request, append a record
 * to a JetStream stream as Warp appends an event (a message id, an expected subject sequence, a
 * consumer following the stream, as the hub follows its streams) and answer, deciding nothing.
 * `floor.ack-first` answers once the store has acknowledged (what Warp's hub does);
 * `floor.ack-to-caller` sends the store's acknowledgement straight to the caller and answers at once;
 * `floor.ack-as-answer` sends only the store's acknowledgement, as the answer.
 * Started by bench/hub-floor.ts with the server's URL; prints "ready" once it serves.
 */
import { jetstream } from '@nats-io/jetstream';
import { headers, connect, type Msg } from '@nats-io/transport-node';
import { JetStreamPublisher } from '../src/adapters/nats/jetstream-publisher.js';
import { ReplyMux } from '../src/adapters/nats/reply-mux.js';
import { ACK_HEADER, FLOOR_STREAM } from './hub-floor.js';

async function serve(url: string): Promise<void> {
  const nc = await connect({ servers: url, noAsyncTraces: true });
  const js = jetstream(nc);
  // How Warp's hub publishes (ADR 0025).
  const publisher = new JetStreamPublisher(new ReplyMux(nc), 5_000);
  const follower = await js.consumers.get(FLOOR_STREAM);
  void (async () => {
    for await (const m of await follower.consume()) m.json();
  })();
  let n = 0;
  const next = (): { subject: string; id: string } => {
    n++;
    return { subject: `floor.ev.${process.pid}.${n}`, id: `${process.pid}-${n}` };
  };
  nc.subscribe('floor.ack-first', {
    callback: (_error, m) => {
      const { subject, id } = next();
      publisher.publish(subject, m.data, { msgID: id, expect: { lastSubjectSequence: 0 } }).then(
        (ack) => m.respond(JSON.stringify({ seq: ack.seq })),
        (error: unknown) => m.respond(JSON.stringify({ error: String(error) })),
      );
    },
  });
  /** Appends the request's body with the store's ack going to `reply`, not waited for here. */
  const appendAckingTo = (m: Msg, reply: string | undefined): void => {
    const { subject, id } = next();
    const h = headers();
    h.set('Nats-Msg-Id', id);
    h.set('Nats-Expected-Last-Subject-Sequence', '0');
    if (reply) nc.publish(subject, m.data, { reply, headers: h });
  };
  nc.subscribe('floor.ack-to-caller', {
    callback: (_error, m) => {
      appendAckingTo(m, m.headers?.get(ACK_HEADER));
      m.respond(JSON.stringify({ deferred: 1 }));
    },
  });
  nc.subscribe('floor.ack-as-answer', { callback: (_error, m) => appendAckingTo(m, m.reply) });
  await nc.flush();
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => void nc.close().then(() => process.exit(0)));
}

if (process.argv[2]) await serve(process.argv[2]);
