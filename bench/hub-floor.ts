import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { parsePubAck } from '../src/adapters/nats/jetstream-publisher.js';
import { ReplyMux } from '../src/adapters/nats/reply-mux.js';

export interface HubFloor {
  /** One operation as Warp's hub does it: request, append, store's ack, reply. */
  ackFirst(): Promise<void>;
  /** One operation with the store's ack sent straight to the caller, which waits for it and the reply. */
  ackToCaller(): Promise<void>;
  /** One operation whose only answer is the store's ack, sent to the caller: the fewest messages a hub could move. */
  ackAsAnswer(): Promise<void>;
  close(): Promise<void>;
}

export const FLOOR_STREAM = 'FLOOR_EV';
const FLOOR_SUBJECTS = 'floor.ev.>';
/** The request header naming where the caller wants the store's acknowledgement. */
export const ACK_HEADER = 'Floor-Ack';

const RESPONDER = fileURLToPath(new URL('./floor-responder.js', import.meta.url));
const TIMEOUT_MS = 5_000;

/** Starts the bare responder (bench/floor-responder.ts) in a process of its own, as the hub runs. */
export async function startHubFloor(nc: NatsConnection, url: string): Promise<HubFloor> {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: FLOOR_STREAM, subjects: [FLOOR_SUBJECTS] });
  const child = spawn(process.execPath, [RESPONDER, url], { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await Promise.race([
    once(child.stdout, 'data').then(([data]) => String(data)),
    once(child, 'exit').then(() => 'nothing: it exited'),
  ]);
  if (!first.includes('ready')) {
    child.kill('SIGKILL');
    throw new Error(`bench: the floor responder said ${first}`);
  }

  // How a Warp session asks the hub (ADR 0025), and waits for a stream's ack sent to it (ADR 0026).
  const requests = new ReplyMux(nc);
  const ackToCaller = async (): Promise<void> => {
    const ack = requests.expect(2 * TIMEOUT_MS);
    const h = headers();
    h.set(ACK_HEADER, ack.subject);
    try {
      await requests.request('floor.ack-to-caller', '{}', { timeoutMs: TIMEOUT_MS, headers: h });
      // A refusal (or a 503 with no body) throws: the floor must store every append.
      parsePubAck(await ack.reply);
    } finally {
      ack.cancel();
    }
  };
  return {
    async ackFirst() {
      const reply = (await requests.request('floor.ack-first', '{}', { timeoutMs: TIMEOUT_MS })).json<{
        error?: string;
      }>();
      if (reply.error !== undefined) throw new Error(`bench: the floor store refused an append: ${reply.error}`);
    },
    ackToCaller,
    async ackAsAnswer() {
      // A refusal (or a 503 with no body) throws, as above.
      parsePubAck(await requests.request('floor.ack-as-answer', '{}', { timeoutMs: TIMEOUT_MS }));
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
      await jsm.streams.delete(FLOOR_STREAM);
    },
  };
}
