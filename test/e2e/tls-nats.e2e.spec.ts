import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, startNatsServer, type NatsServerHandle } from '../support/nats-server.js';
import { BIN, StdioAgent } from '../support/stdio-agent.js';
import { makeTestCertificates, type TestCertificates } from '../support/tls-certificates.js';

const SECRET = 'tls-only-S3cret';
/** Generous: the failures below are immediate, this only keeps a hang from passing for one. */
const DEADLINE_MS = 20_000;

interface Run {
  readonly code: number | null;
  readonly stderr: string;
}

/** Runs `warp status` against `env`; a process still running at the deadline is killed (code null). */
function warpStatus(env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, 'status'],
      { env: { ...process.env, WARP_NAMESPACE: 'tls', LOG_LEVEL: 'ERROR', ...env }, timeout: DEADLINE_MS },
      (error, _stdout, stderr) => resolve({ code: error ? (error.code as number | null) : 0, stderr }),
    );
  });
}

/**
 * A fake NATS server on loopback: greets with an INFO offering no TLS (or claiming to offer it
 * and then answering in plain text) and records every byte it receives.
 */
async function fakeServer(info: Record<string, unknown>): Promise<{ port: number; received(): string; close(): void }> {
  const chunks: Buffer[] = [];
  const server: Server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      // Whatever came (a TLS hello here), a plain-text server cannot go on.
      socket.end('-ERR unknown protocol\r\n');
    });
    socket.write(
      `INFO ${JSON.stringify({ server_id: 'FAKE', version: '2.9.10', proto: 1, max_payload: 1048576, auth_required: true, ...info })}\r\n`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received: () => Buffer.concat(chunks).toString('latin1'),
    close: () => server.close(),
  };
}

describe('tls:// never falls back to plain text', () => {
  it.each([
    ['offers no TLS', {}],
    ['claims TLS but speaks plain text', { tls_available: true }],
  ])('against a server that %s, fails at once with a clear error and sends no credentials', async (_, info) => {
    const fake = await fakeServer(info);
    try {
      const run = await warpStatus({ NATS_URL: `tls://warp-user:${SECRET}@127.0.0.1:${fake.port}` });
      expect(fake.received()).not.toContain(SECRET);
      expect(fake.received()).not.toContain('CONNECT');
      expect(fake.received()).not.toContain('warp-user');
      expect(run.code).toBe(3);
      expect(run.stderr).toContain(`Cannot connect to NATS at tls://127.0.0.1:${fake.port}`);
      if (!('tls_available' in info))
        expect(run.stderr).toContain('NATS_URL asks for TLS but the server does not offer it, so nothing was sent');
      expect(run.stderr).not.toContain(SECRET);
    } finally {
      fake.close();
    }
  });

  it('nor does wss://: against a plain-text server it fails and sends no credentials', async () => {
    const fake = await fakeServer({});
    try {
      const run = await warpStatus({ NATS_URL: `wss://warp-user:${SECRET}@127.0.0.1:${fake.port}` });
      expect(fake.received()).not.toContain(SECRET);
      expect(fake.received()).not.toContain('warp-user');
      expect(run.code).toBe(3);
      expect(run.stderr).toContain(`Cannot connect to NATS at wss://127.0.0.1:${fake.port}`);
      expect(run.stderr).not.toContain(SECRET);
    } finally {
      fake.close();
    }
  });

  it('an MCP session says why each call fails, without the password', async () => {
    const fake = await fakeServer({});
    const agent = await StdioAgent.start({
      NATS_URL: `tls://warp-user:${SECRET}@127.0.0.1:${fake.port}`,
      WARP_NAMESPACE: 'tls',
    });
    try {
      const error = await agent.callError('list_channels');
      expect(error).toContain('NATS_URL asks for TLS but the server does not offer it');
      expect(error + agent.stderr()).not.toContain(SECRET);
      expect(fake.received()).not.toContain(SECRET);
    } finally {
      await agent.close();
      fake.close();
    }
  });
});

describe('TLS with a private CA and client certificates', () => {
  let dir: string;
  let certs: TestCertificates;
  let server: NatsServerHandle;
  let mutual: NatsServerHandle;
  let wssPort: number;
  let mutualWssPort: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'warp-tls-'));
    certs = makeTestCertificates(dir);
    const serverTls = `cert_file: ${JSON.stringify(certs.serverCertFile)}\n  key_file: ${JSON.stringify(certs.serverKeyFile)}`;
    [wssPort, mutualWssPort] = (await freePorts(2)) as [number, number];
    server = await startNatsServer({
      config: `tls {\n  ${serverTls}\n}\nwebsocket {\n  listen: "127.0.0.1:${wssPort}"\n  tls {\n  ${serverTls}\n  }\n}\n`,
    });
    const verifyClients = `${serverTls}\n  ca_file: ${JSON.stringify(certs.caFile)}\n  verify: true`;
    mutual = await startNatsServer({
      config:
        `tls {\n  ${verifyClients}\n}\n` +
        `websocket {\n  listen: "127.0.0.1:${mutualWssPort}"\n  tls {\n  ${verifyClients}\n  }\n}\n`,
    });
  });
  afterAll(async () => {
    await Promise.all([server?.dispose(), mutual?.dispose()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const roundTrip = async (env: Record<string, string>, text: string): Promise<void> => {
    const agent = await StdioAgent.start({ WARP_NAMESPACE: 'tls-round-trip', ...env });
    try {
      await agent.call('set_handle', { handle: 'tls-tester' });
      expect((await agent.call('get_my_handle')).connection).toBe('connected');
      await agent.call('send_message', { channel: 'roadmap', message: text });
      const read = await agent.call('read_messages', { channel: 'roadmap' });
      expect(read.messages.map((m: { body: string }) => m.body)).toContain(text);
    } finally {
      await agent.close();
    }
  };

  it('connects with NATS_CA and does a real round trip', async () => {
    await roundTrip({ NATS_URL: `tls://127.0.0.1:${server.port}`, NATS_CA: certs.caFile }, 'over tls');
  });

  it('without NATS_CA, refuses the unknown certificate and says to set it', async () => {
    const run = await warpStatus({ NATS_URL: `tls://127.0.0.1:${server.port}` });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('set NATS_CA');
  });

  it('presents NATS_CERT and NATS_KEY to a server that verifies clients', async () => {
    await roundTrip(
      {
        NATS_URL: `tls://127.0.0.1:${mutual.port}`,
        NATS_CA: certs.caFile,
        NATS_CERT: certs.clientCertFile,
        NATS_KEY: certs.clientKeyFile,
      },
      'with a client certificate',
    );
    const run = await warpStatus({ NATS_URL: `tls://127.0.0.1:${mutual.port}`, NATS_CA: certs.caFile });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/Cannot connect to NATS at tls:\/\/127\.0\.0\.1/);
    expect(run.stderr).toContain('If the server verifies client certificates, set NATS_CERT and NATS_KEY.');
  });

  // Nothing but what npm ci installs: no NODE_OPTIONS, Node 20 has no WebSocket of its own (ADR 0033).
  it('connects over wss:// with NATS_CA and does a real round trip', async () => {
    await roundTrip({ NATS_URL: `wss://127.0.0.1:${wssPort}`, NATS_CA: certs.caFile }, 'over wss');
  });

  it('presents NATS_CERT and NATS_KEY over wss:// to a server that verifies clients', async () => {
    await roundTrip(
      {
        NATS_URL: `wss://127.0.0.1:${mutualWssPort}`,
        NATS_CA: certs.caFile,
        NATS_CERT: certs.clientCertFile,
        NATS_KEY: certs.clientKeyFile,
      },
      'over wss with a client certificate',
    );
    const run = await warpStatus({ NATS_URL: `wss://127.0.0.1:${mutualWssPort}`, NATS_CA: certs.caFile });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`Cannot connect to NATS at wss://127.0.0.1:${mutualWssPort}`);
  });

  it('still trusts a CA given the Node way (NODE_EXTRA_CA_CERTS) over wss://', async () => {
    await roundTrip({ NATS_URL: `wss://127.0.0.1:${wssPort}`, NODE_EXTRA_CA_CERTS: certs.caFile }, 'over wss, node ca');
  });
});
