import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect, TimeoutError } from '@nats-io/transport-node';
import { ValidationError } from '../../domain/index.js';
import { BackendUnavailable, type Connection, type ConnectionState } from '../../ports/index.js';
import { BOUNDED_RETRY, retryTransient } from './transient.js';

export interface NatsOptions {
  readonly servers: string;
  readonly user?: string;
  readonly pass?: string;
  readonly transport: 'tcp' | 'websocket';
  readonly name?: string;
  /** Bound on connecting and on every JetStream request, so no call hangs. */
  readonly timeoutMs?: number;
}

/** Kept free under max_payload for the headers Warp and the server add (message id, expectations, republish). */
const PAYLOAD_HEADER_ROOM = 1024;

const HOW_TO_FIX = 'Start one with `nats-server -js`, point NATS_URL at a running server, or run without NATS: WARP_BACKEND=memory.';

async function dial(options: NatsOptions): Promise<NatsConnection> {
  const settings = {
    servers: options.servers.split(','),
    name: options.name ?? 'warp',
    timeout: options.timeoutMs ?? 3000,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    ...(options.user !== undefined ? { user: options.user } : {}),
    ...(options.pass !== undefined ? { pass: options.pass } : {}),
  };
  if (options.transport === 'tcp') return connect(settings);
  // Node 20 has no global WebSocket; the `ws` package provides one when installed.
  if (!('WebSocket' in globalThis)) {
    const ws = (await import('ws' as string).catch(() => undefined)) as { WebSocket?: unknown } | undefined;
    if (!ws?.WebSocket) throw new Error('ws:// and wss:// need a WebSocket implementation: npm install ws (Node 22+ has one built in).');
    (globalThis as Record<string, unknown>)['WebSocket'] = ws.WebSocket;
  }
  const { wsconnect } = await import('@nats-io/nats-core');
  return wsconnect(settings);
}

/** One NATS connection with JetStream and KV handles, reporting its state for get_my_handle. */
export class NatsBackendConnection implements Connection {
  readonly backend = 'nats' as const;
  private current: ConnectionState = 'connected';

  private constructor(
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    readonly kvm: Kvm,
    private readonly servers: string,
  ) {
    void this.track();
  }

  static async open(options: NatsOptions): Promise<NatsBackendConnection> {
    let nc: NatsConnection;
    try {
      nc = await dial(options);
    } catch (error) {
      throw new BackendUnavailable(`Cannot connect to NATS at ${options.servers} (${reasonOf(error)}). ${HOW_TO_FIX}`, { cause: error });
    }
    const timeout = options.timeoutMs ?? 5000;
    try {
      // A cluster electing its JetStream leader answers late, not never: only a timeout is tried again.
      const jsm = await retryTransient(() => jetstreamManager(nc, { timeout }), BOUNDED_RETRY, (error) => error instanceof TimeoutError);
      const js = jetstream(nc, { timeout });
      return new NatsBackendConnection(nc, js, jsm, new Kvm(js), options.servers);
    } catch (error) {
      await nc.close().catch(() => undefined);
      if (error instanceof BackendUnavailable) throw error;
      throw new BackendUnavailable(`NATS at ${options.servers} has no JetStream (${reasonOf(error)}). Start nats-server with -js.`, { cause: error });
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
      throw new ValidationError(what, `is ${size} bytes once encoded for storage; the NATS server takes at most ${room} — send less (NUL and other control characters, quotes and backslashes take more room once encoded)`);
    }
  }

  describe(): string {
    return this.servers;
  }

  async close(): Promise<void> {
    await this.nc.drain().catch(() => this.nc.close());
  }

  private async track(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === 'disconnect' || status.type === 'reconnecting') this.current = 'reconnecting';
      else if (status.type === 'reconnect') this.current = 'connected';
      else if (status.type === 'close') this.current = 'disconnected';
    }
    this.current = 'disconnected';
  }
}

export const connectNats = (options: NatsOptions): Promise<NatsBackendConnection> => NatsBackendConnection.open(options);

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
