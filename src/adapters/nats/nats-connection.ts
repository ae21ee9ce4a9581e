import {
  jetstream,
  jetstreamManager,
  type Consumer,
  type JetStreamClient,
  type JetStreamManager,
  type OrderedConsumerOptions,
} from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { credsAuthenticator, type NatsConnection } from '@nats-io/nats-core';
import { connect, TimeoutError } from '@nats-io/transport-node';
import { ValidationError } from '../../domain/index.js';
import { BackendUnavailable, type Connection, type ConnectionState } from '../../ports/index.js';
import { JetStreamPublisher } from './jetstream-publisher.js';
import { ReplyMux } from './reply-mux.js';
import { BOUNDED_RETRY, retryTransient, type RetryPolicy } from './transient.js';
import { connectFailureHint } from './nats-connect-failure.js';
import { hasFiles, type NatsTls } from './nats-tls.js';
import { ensureGlobalWebSocket, webSocketFactory } from './nats-websocket.js';

export interface NatsOptions {
  readonly servers: string;
  readonly user?: string;
  readonly pass?: string;
  /** A token (`nats://TOKEN@host`). */
  readonly token?: string;
  readonly transport: 'tcp' | 'websocket';
  /** Set (even empty) to require TLS. */
  readonly tls?: NatsTls;
  readonly name?: string;
  /** Bound on connecting and on every JetStream request, so no call hangs. */
  readonly timeoutMs?: number;
  /** A `.creds` file's content (user JWT and seed): decentralized JWT authentication. */
  readonly creds?: Uint8Array;
  /** Where replies come back (an agent credential may only subscribe to its own). */
  readonly inboxPrefix?: string;
  /** An agent credential has no JetStream API: do not ask the server about it on connect. */
  readonly withoutJetStream?: boolean;
}

/**
 * How long creating an ordered consumer may take before it is tried again. nats-server 2.9 places
 * the ephemeral consumer of a replicated stream on any of its peers, a dead one included, and then
 * never answers: with a node of a cluster down, a third to a half of the creations hung for the
 * whole request timeout, and every read creates one. Normally it takes milliseconds.
 */
const CONSUMER_CREATE_TIMEOUT_MS = 1_000;

/** Kept free under max_payload for the headers Warp and the server add (message id, expectations, republish). */
const PAYLOAD_HEADER_ROOM = 1024;

async function dial(options: NatsOptions): Promise<NatsConnection> {
  const settings = {
    servers: options.servers.split(','),
    name: options.name ?? 'warp',
    timeout: options.timeoutMs ?? 3000,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    // The client otherwise builds two stack-traced errors per request in case it fails, over a
    // quarter of a send's CPU; Warp turns a failed request into a message of its own, never that stack.
    noAsyncTraces: true,
    ...(options.user !== undefined ? { user: options.user } : {}),
    ...(options.pass !== undefined ? { pass: options.pass } : {}),
    ...(options.token !== undefined ? { token: options.token } : {}),
    ...(options.creds !== undefined ? { authenticator: credsAuthenticator(options.creds) } : {}),
    ...(options.inboxPrefix !== undefined ? { inboxPrefix: options.inboxPrefix } : {}),
  };
  // The client requires TLS whenever `tls` is an object, and checks it on every (re)connect.
  if (options.transport === 'tcp') return connect(options.tls ? { ...settings, tls: { ...options.tls } } : settings);
  const { wsconnect } = await import('@nats-io/nats-core');
  // Only the addresses in NATS_URL, all wss://: one learned from the cluster could be ws://.
  const secure = options.tls ? { ...settings, ignoreClusterUpdates: true } : settings;
  if (options.tls && hasFiles(options.tls))
    return wsconnect({ ...secure, wsFactory: await webSocketFactory(options.tls) });
  await ensureGlobalWebSocket();
  return wsconnect(secure);
}

/** One NATS connection with JetStream and KV handles, reporting its state for get_my_handle. */
export class NatsBackendConnection implements Connection {
  readonly backend = 'nats' as const;
  private current: ConnectionState = 'connected';
  private readonly reconnectListeners = new Set<() => void>();
  private stateWaiters: Array<() => void> = [];
  /**
   * The retry policy of every request on this connection: bounded, and an attempt waits for a
   * dropped connection to come back first. The client discards what is written while it is
   * disconnected (each reconnect attempt resets its outbound buffer), so a request sent then
   * is silently lost and can only time out — after a NATS restart the first write failed so.
   */
  readonly retry: RetryPolicy = { ...BOUNDED_RETRY, connected: (deadline) => this.whenConnected(deadline) };

  /** Only for creating ordered consumers (see CONSUMER_CREATE_TIMEOUT_MS). */
  private readonly consumerClient: JetStreamClient;
  /** Every request this connection makes of its own (to the hub, the stream acks): one reply subscription. */
  readonly requests: ReplyMux;
  /** How every record is published to a stream. */
  readonly publisher: JetStreamPublisher;
  /** How long a request waits for its answer. */
  readonly requestTimeoutMs: number;

  private constructor(
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    readonly kvm: Kvm,
    private readonly servers: string,
    timeoutMs: number,
    inboxPrefix: string | undefined,
  ) {
    this.consumerClient = jetstream(nc, { timeout: CONSUMER_CREATE_TIMEOUT_MS });
    this.requestTimeoutMs = timeoutMs;
    this.requests = new ReplyMux(nc, inboxPrefix);
    this.publisher = new JetStreamPublisher(this.requests, timeoutMs);
    void this.track();
  }

  /** An ordered consumer of `stream`; a creation that goes unanswered fails fast, with a TimeoutError, so that it is tried again. */
  orderedConsumer(stream: string, options: Partial<OrderedConsumerOptions>): Promise<Consumer> {
    return this.consumerClient.consumers.get(stream, options);
  }

  /** A KV bucket to watch: its watchers are ordered consumers too, created the same way. */
  watchableBucket(bucket: string): Promise<KV> {
    return new Kvm(this.consumerClient).open(bucket);
  }

  static async open(options: NatsOptions): Promise<NatsBackendConnection> {
    let nc: NatsConnection;
    try {
      nc = await dial(options);
    } catch (error) {
      throw new BackendUnavailable(
        `Cannot connect to NATS at ${options.servers} (${reasonOf(error)}). ${connectFailureHint(error, options.tls)}`,
        {
          cause: error,
        },
      );
    }
    const timeout = options.timeoutMs ?? 5000;
    try {
      // A cluster electing its JetStream leader answers late, not never: only a timeout is tried again.
      const jsm = await retryTransient(
        () => jetstreamManager(nc, { timeout, checkAPI: !options.withoutJetStream }),
        BOUNDED_RETRY,
        (error) => error instanceof TimeoutError,
      );
      const js = jetstream(nc, { timeout });
      return new NatsBackendConnection(nc, js, jsm, new Kvm(js), options.servers, timeout, options.inboxPrefix);
    } catch (error) {
      await nc.close().catch(() => undefined);
      if (error instanceof BackendUnavailable) throw error;
      throw new BackendUnavailable(
        `NATS at ${options.servers} has no JetStream (${reasonOf(error)}). Start nats-server with -js.`,
        { cause: error },
      );
    }
  }

  state(): ConnectionState {
    return this.current;
  }

  /**
   * Refuses, with a message that says what to do, a payload this server would not take.
   * Warp bounds text by its UTF-8 size but stores JSON, where a NUL or other control character
   * takes 6 bytes and a quote or backslash 2: with WARP_MAX_MESSAGE_BYTES raised towards its
   * 1 MiB maximum (or a server with a smaller max_payload), text within the limit could exceed
   * max_payload, and the client's "max_payload size exceeded" came back as an internal error.
   */
  checkPayload(what: string, payload: string): void {
    const max = this.nc.info?.max_payload;
    if (max === undefined) return;
    const room = max - PAYLOAD_HEADER_ROOM;
    const size = Buffer.byteLength(payload);
    if (size > room) {
      throw new ValidationError(
        what,
        `is ${size} bytes once encoded for storage; the NATS server takes at most ${room} — send less (NUL and other control characters, quotes and backslashes take more room once encoded)`,
      );
    }
  }

  describe(): string {
    return this.servers;
  }

  /**
   * Resolves at once while connected; while reconnecting, when the connection is back. Rejects
   * with what to do when it is not back by `deadline` (epoch ms), or is closed.
   */
  async whenConnected(deadline: number): Promise<void> {
    while (this.current === 'reconnecting') {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new BackendUnavailable(
          `NATS did not come back in time: the connection to ${this.servers} is down, so nothing was sent. Warp keeps reconnecting ` +
            'in the background; check that nats-server is running and NATS_URL points at it, then try again.',
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.stateWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    if (this.current === 'disconnected')
      throw new BackendUnavailable(`The connection to NATS at ${this.servers} is closed; restart the Warp server.`);
  }

  /** Calls `listener` after every reconnect; returns how to stop. */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  async close(): Promise<void> {
    await this.nc.drain().catch(() => this.nc.close());
  }

  private async track(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === 'disconnect' || status.type === 'reconnecting') this.enter('reconnecting');
      else if (status.type === 'reconnect') {
        this.enter('connected');
        for (const listener of this.reconnectListeners) listener();
      } else if (status.type === 'close') this.enter('disconnected');
    }
    this.enter('disconnected');
  }

  private enter(state: ConnectionState): void {
    this.current = state;
    const waiters = this.stateWaiters;
    this.stateWaiters = [];
    for (const wake of waiters) wake();
  }
}

export const connectNats = (options: NatsOptions): Promise<NatsBackendConnection> =>
  NatsBackendConnection.open(options);

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
