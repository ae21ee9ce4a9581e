import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { webSocketFactory, type WebSocketConstructor } from '../../../src/adapters/nats/nats-websocket.js';

/** Records what would have been opened; no socket is created, so nothing can be sent. */
function recorder(takesTlsOptions: boolean) {
  const opened: Array<{ url: string; options: unknown }> = [];
  const WebSocket = function (this: unknown, url: string, options?: unknown) {
    opened.push({ url, options });
  } as unknown as WebSocketConstructor;
  return { opened, implementation: () => Promise.resolve({ WebSocket, takesTlsOptions }) };
}

const dir = mkdtempSync(join(tmpdir(), 'warp-ws-unit-'));
writeFileSync(join(dir, 'ca.pem'), 'CA PEM');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const noOptions = {};

describe('webSocketFactory', () => {
  it('with TLS required, refuses a ws:// URL (one gossiped by a cluster, say) before opening a socket', async () => {
    const { opened, implementation } = recorder(true);
    const open = webSocketFactory({}, implementation);
    await expect(open('ws://10.0.0.7:8080', noOptions)).rejects.toThrow(
      'refused ws://10.0.0.7:8080: NATS_URL asks for TLS (wss://), so nothing is sent unencrypted',
    );
    expect(opened).toEqual([]);
    await expect(open('wss://10.0.0.7:443', noOptions)).resolves.toMatchObject({ encrypted: true });
    expect(opened.map((o) => o.url)).toEqual(['wss://10.0.0.7:443']);
  });

  it('without TLS required, opens ws:// and wss:// alike', async () => {
    const { opened, implementation } = recorder(false);
    const open = webSocketFactory(undefined, implementation);
    await expect(open('ws://h:8080', noOptions)).resolves.toMatchObject({ encrypted: false });
    await expect(open('wss://h:443', noOptions)).resolves.toMatchObject({ encrypted: true });
    expect(opened.map((o) => o.url)).toEqual(['ws://h:8080', 'wss://h:443']);
  });

  it('hands NATS_CA to an implementation that takes TLS options', async () => {
    const { opened, implementation } = recorder(true);
    await webSocketFactory({ caFile: join(dir, 'ca.pem') }, implementation)('wss://h:443', noOptions);
    expect(opened).toHaveLength(1);
    expect(String((opened[0]!.options as { ca: Buffer }).ca)).toBe('CA PEM');
  });

  it('says what to do when the WebSocket cannot take certificates', async () => {
    const { opened, implementation } = recorder(false);
    await expect(
      webSocketFactory({ caFile: join(dir, 'ca.pem') }, implementation)('wss://h:443', noOptions),
    ).rejects.toThrow(/need the ws package \(npm install ws\).*NODE_EXTRA_CA_CERTS/);
    expect(opened).toEqual([]);
  });
});
