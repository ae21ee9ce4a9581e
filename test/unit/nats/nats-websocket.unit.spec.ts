import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wsconnect } from '@nats-io/nats-core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  findWebSocket,
  webSocketFactory,
  type WebSocketConstructor,
} from '../../../src/adapters/nats/nats-websocket.js';

/** Records what would have been opened; no socket is created, so nothing can be sent. */
function recorder(takesTlsOptions: boolean) {
  const opened: Array<{ url: string; options: unknown }> = [];
  const WebSocket = function (this: unknown, url: string, options?: unknown) {
    opened.push({ url, options });
  } as unknown as WebSocketConstructor;
  return { opened, find: () => Promise.resolve({ WebSocket, takesTlsOptions }) };
}

/** The error the socket reports once the client listens to it. */
function failure(socket: WebSocket): Promise<string> {
  return new Promise((resolve) => {
    socket.onerror = (event) => resolve((event as unknown as { message: string }).message);
  });
}

const dir = mkdtempSync(join(tmpdir(), 'warp-ws-unit-'));
writeFileSync(join(dir, 'ca.pem'), 'CA PEM');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const noOptions = {};

describe('webSocketFactory', () => {
  it('with TLS required, refuses a ws:// URL (one gossiped by a cluster, say) without opening a socket', async () => {
    const { opened, find } = recorder(true);
    const open = await webSocketFactory({}, find);
    const refused = await open('ws://10.0.0.7:8080', noOptions);
    expect(await failure(refused.socket)).toBe(
      'refused ws://10.0.0.7:8080: NATS_URL asks for TLS (wss://), so nothing is sent unencrypted',
    );
    expect(opened).toEqual([]);
    await expect(open('wss://10.0.0.7:443', noOptions)).resolves.toMatchObject({ encrypted: true });
    expect(opened.map((o) => o.url)).toEqual(['wss://10.0.0.7:443']);
  });

  it('makes the NATS client fail (not hang) on a refused URL', async () => {
    const { opened, find } = recorder(true);
    const connecting = wsconnect({
      servers: ['ws://127.0.0.1:9'],
      user: 'u',
      pass: 'p',
      timeout: 5_000,
      wsFactory: await webSocketFactory({}, find),
    });
    await expect(connecting).rejects.toThrow(/refused ws:\/\/127\.0\.0\.1:9/);
    expect(opened).toEqual([]);
  });

  it('without TLS required, opens ws:// and wss:// alike', async () => {
    const { opened, find } = recorder(false);
    const open = await webSocketFactory(undefined, find);
    await expect(open('ws://h:8080', noOptions)).resolves.toMatchObject({ encrypted: false });
    await expect(open('wss://h:443', noOptions)).resolves.toMatchObject({ encrypted: true });
    expect(opened.map((o) => o.url)).toEqual(['ws://h:8080', 'wss://h:443']);
  });

  it('hands NATS_CA to an implementation that takes TLS options', async () => {
    const { opened, find } = recorder(true);
    await (
      await webSocketFactory({ caFile: join(dir, 'ca.pem') }, find)
    )('wss://h:443', noOptions);
    expect(opened).toHaveLength(1);
    expect(String((opened[0]!.options as { ca: Buffer }).ca)).toBe('CA PEM');
  });

  it('says what to do, before connecting, when the WebSocket cannot take certificates', async () => {
    await expect(webSocketFactory({ caFile: join(dir, 'ca.pem') }, recorder(false).find)).rejects.toThrow(
      /need the ws package \(npm install ws\).*NODE_EXTRA_CA_CERTS/,
    );
  });
});

describe('findWebSocket', () => {
  it('finds the ws package Warp installs (ADR 0033), which takes certificates, on Node 20 without flags', async () => {
    const found = await findWebSocket();
    expect(found.takesTlsOptions).toBe(true);
    expect(found.WebSocket).toBe(((await import('ws' as string)) as { WebSocket: unknown }).WebSocket);
  });

  it('without the package and a built-in WebSocket, says to reinstall Warp', async () => {
    const builtIn = (globalThis as { WebSocket?: unknown }).WebSocket;
    delete (globalThis as { WebSocket?: unknown }).WebSocket;
    try {
      await expect(findWebSocket(() => Promise.reject(new Error('Cannot find package ws')))).rejects.toThrow(
        /need the ws package, which Warp installs: it is missing here; reinstall Warp/,
      );
    } finally {
      if (builtIn !== undefined) (globalThis as { WebSocket?: unknown }).WebSocket = builtIn;
    }
  });
});
