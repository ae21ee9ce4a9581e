import { readFile } from 'node:fs/promises';
import type { WsSocketFactory } from '@nats-io/nats-core';
import type { NatsTls } from './nats-tls.js';

/** A W3C WebSocket constructor; the `ws` package's also takes TLS options as its second argument. */
export type WebSocketConstructor = new (url: string, options?: unknown) => unknown;

interface Implementation {
  readonly WebSocket: WebSocketConstructor;
  /** Only the `ws` package takes a CA or client certificate. */
  readonly takesTlsOptions: boolean;
}

async function findImplementation(): Promise<Implementation> {
  // Preferred even on Node 22+: the built-in WebSocket cannot be given a CA or client certificate.
  const ws = (await import('ws' as string).catch(() => undefined)) as { WebSocket?: WebSocketConstructor } | undefined;
  if (ws?.WebSocket) return { WebSocket: ws.WebSocket, takesTlsOptions: true };
  const builtIn = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (builtIn) return { WebSocket: builtIn, takesTlsOptions: false };
  throw new Error('ws:// and wss:// need a WebSocket implementation: npm install ws (Node 22+ has one built in).');
}

/**
 * Opens every WebSocket of a NATS connection. With `tls` set (wss:// in NATS_URL) it refuses any
 * URL that is not wss:// before a socket exists, so neither a server address learned from the
 * cluster nor anything else can downgrade the connection and carry the credentials in the clear.
 */
export function webSocketFactory(
  tls: NatsTls | undefined,
  implementation: () => Promise<Implementation> = findImplementation,
): WsSocketFactory {
  return async (url) => {
    const encrypted = /^wss:\/\//i.test(url);
    if (tls && !encrypted)
      throw new Error(`refused ${url}: NATS_URL asks for TLS (wss://), so nothing is sent unencrypted`);
    const { WebSocket, takesTlsOptions } = await implementation();
    const files = tls && (tls.caFile ?? tls.certFile ?? tls.keyFile) !== undefined;
    if (!files) return { socket: new WebSocket(url) as globalThis.WebSocket, encrypted };
    if (!takesTlsOptions)
      throw new Error(
        'NATS_CA, NATS_CERT and NATS_KEY with wss:// need the ws package (npm install ws); the built-in WebSocket ' +
          'takes no certificates (to trust a CA without it, set NODE_EXTRA_CA_CERTS to its file instead of NATS_CA)',
      );
    const read = (file: string | undefined) => (file === undefined ? undefined : readFile(file));
    const [ca, cert, key] = await Promise.all([read(tls.caFile), read(tls.certFile), read(tls.keyFile)]);
    return { socket: new WebSocket(url, { ca, cert, key }) as globalThis.WebSocket, encrypted };
  };
}
