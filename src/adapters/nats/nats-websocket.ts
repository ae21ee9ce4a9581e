import { readFile } from 'node:fs/promises';
import type { WsSocketFactory } from '@nats-io/nats-core';
import { hasFiles, type NatsTls } from './nats-tls.js';

/** A W3C WebSocket constructor; the `ws` package's also takes TLS options as its second argument. */
export type WebSocketConstructor = new (url: string, options?: unknown) => unknown;

export interface WebSocketImplementation {
  readonly WebSocket: WebSocketConstructor;
  /** Only the `ws` package takes a CA or client certificate. */
  readonly takesTlsOptions: boolean;
}

/**
 * The `ws` package, a dependency of Warp (ADR 0033), loaded only when NATS_URL names a WebSocket.
 * Preferred even on Node 22+: the built-in WebSocket cannot be given a CA or client certificate,
 * so it is only a fallback for an installation that lost the package.
 */
export async function findWebSocket(
  load: () => Promise<unknown> = () => import('ws' as string),
): Promise<WebSocketImplementation> {
  const ws = (await load().catch(() => undefined)) as { WebSocket?: WebSocketConstructor } | undefined;
  if (ws?.WebSocket) return { WebSocket: ws.WebSocket, takesTlsOptions: true };
  const builtIn = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (builtIn) return { WebSocket: builtIn, takesTlsOptions: false };
  throw new Error(
    'ws:// and wss:// need the ws package, which Warp installs: it is missing here; reinstall Warp (npm ci, or npm install ws).',
  );
}

/**
 * Makes a WebSocket available where the client looks for one (Node 20 has none built in). The
 * client's own sockets are preferred to a factory's: Node 20's experimental WebSocket drops the
 * events of a socket whose handlers are set after an await, as they are behind a factory.
 */
export async function ensureGlobalWebSocket(find = findWebSocket): Promise<void> {
  const { WebSocket } = await find();
  (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket ??= WebSocket;
}

/**
 * A socket that fails on the next tick. The client never settles its connect when the factory
 * rejects (closing the transport waits for a socket event that never comes), so refusals fail
 * as a socket would.
 */
function failedSocket(message: string): WebSocket {
  const socket = {
    binaryType: 'arraybuffer',
    bufferedAmount: 0,
    onopen: null,
    onmessage: null,
    onclose: null,
    onerror: null as ((event: { message: string }) => void) | null,
    send: () => undefined,
    close: () => undefined,
  };
  setTimeout(() => socket.onerror?.({ message }), 0);
  return socket as unknown as WebSocket;
}

async function tlsOptions(tls: NatsTls, takesTlsOptions: boolean) {
  if (!hasFiles(tls)) return undefined;
  if (!takesTlsOptions)
    throw new Error(
      'NATS_CA, NATS_CERT and NATS_KEY with wss:// need the ws package (npm install ws); the built-in WebSocket ' +
        'takes no certificates (to trust a CA without it, set NODE_EXTRA_CA_CERTS to its file instead of NATS_CA)',
    );
  const read = (file: string | undefined) => (file === undefined ? undefined : readFile(file));
  const [ca, cert, key] = await Promise.all([read(tls.caFile), read(tls.certFile), read(tls.keyFile)]);
  return { ca, cert, key };
}

/**
 * Opens every WebSocket of a NATS connection, for TLS files (which need the `ws` package). With
 * `tls` set (wss:// in NATS_URL) it refuses any URL that is not wss:// before a socket exists, so
 * nothing can downgrade the connection and carry the credentials in the clear. What can fail up
 * front (no implementation, unreadable files) fails here; the factory never rejects.
 */
export async function webSocketFactory(
  tls: NatsTls | undefined,
  find: () => Promise<WebSocketImplementation> = findWebSocket,
): Promise<WsSocketFactory> {
  const { WebSocket, takesTlsOptions } = await find();
  const options = tls ? await tlsOptions(tls, takesTlsOptions) : undefined;
  return (url) => {
    const encrypted = /^wss:\/\//i.test(url);
    if (tls && !encrypted)
      return Promise.resolve({
        socket: failedSocket(`refused ${url}: NATS_URL asks for TLS (wss://), so nothing is sent unencrypted`),
        encrypted,
      });
    try {
      const socket = (options ? new WebSocket(url, options) : new WebSocket(url)) as WebSocket;
      return Promise.resolve({ socket, encrypted });
    } catch (error) {
      return Promise.resolve({
        socket: failedSocket(error instanceof Error ? error.message : String(error)),
        encrypted,
      });
    }
  };
}
