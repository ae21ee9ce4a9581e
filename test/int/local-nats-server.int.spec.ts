import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NatsBackendConnection } from '../../src/adapters/nats/nats-connection.js';
import { isListening, NoLocalNats, startLocalNats } from '../../src/adapters/system/local-nats-server.js';
import { freePorts } from '../support/nats-server.js';

describe("a newcomer's local nats-server", () => {
  const dataHome = mkdtempSync(join(tmpdir(), 'warp-local-nats-'));
  const started: number[] = [];
  afterAll(() => {
    for (const pid of started) process.kill(pid, 'SIGKILL');
    rmSync(dataHome, { recursive: true, force: true });
  });

  it('is started with JetStream on loopback, data in the per-user directory, and reused by the next agent', async () => {
    const [port] = await freePorts(1);
    const env = { PATH: process.env['PATH'], XDG_DATA_HOME: dataHome };
    const first = await startLocalNats({ env, port: port! });
    if (first.startedPid !== undefined) started.push(first.startedPid);
    expect(first).toMatchObject({ url: `nats://127.0.0.1:${port}` });
    expect(first.startedPid).toBeDefined();
    const conn = await NatsBackendConnection.open({ servers: first.url, transport: 'tcp' });
    expect((await conn.jsm.getAccountInfo()).limits).toBeDefined();
    await conn.close();
    expect(existsSync(join(dataHome, 'warp', 'nats', 'jetstream'))).toBe(true);

    const second = await startLocalNats({ env, port: port! });
    expect(second).toEqual({ url: first.url, startedPid: undefined });
  });

  it('says how to get a server when none listens and no binary is installed', async () => {
    const [port] = await freePorts(1);
    const start = startLocalNats({ env: { PATH: '', XDG_DATA_HOME: dataHome }, port: port!, searchDirs: [] });
    await expect(start).rejects.toBeInstanceOf(NoLocalNats);
    await expect(start).rejects.toThrow(/apt-get install -y nats-server.*WARP_BACKEND=memory/);
    expect(await isListening('127.0.0.1', port!)).toBe(false);
  });
});
