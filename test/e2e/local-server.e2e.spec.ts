import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { isListening, pidFile, startLocalNats } from '../../src/adapters/system/local-nats-server.js';
import { freePorts } from '../support/nats-server.js';

const run = promisify(execFile);
const BIN = join(process.cwd(), 'dist/src/adapters/cli/bin.js');

describe('warp local-server', () => {
  const dataHome = mkdtempSync(join(tmpdir(), 'warp-local-server-'));
  const env = { ...process.env, XDG_DATA_HOME: dataHome, LOG_LEVEL: '' };
  let startedPid: number | undefined;
  afterAll(() => {
    try {
      if (startedPid !== undefined) process.kill(startedPid, 'SIGKILL');
    } catch {
      // already stopped, as the test expects
    }
    rmSync(dataHome, { recursive: true, force: true });
  });

  const warp = async (...args: string[]): Promise<any> =>
    JSON.parse((await run(process.execPath, [BIN, 'local-server', ...args, '--json'], { env })).stdout);

  it('finds the nats-server Warp started, stops it, and keeps its data', async () => {
    const [port] = await freePorts(1);
    const local = await startLocalNats({ env, port: port! });
    startedPid = local.startedPid;
    expect(startedPid).toBeDefined();
    expect(existsSync(pidFile(env))).toBe(true);

    expect(await warp('status')).toEqual({
      running: true,
      pid: startedPid,
      dataDir: join(dataHome, 'warp', 'nats'),
    });
    expect(await warp('stop')).toEqual({ stopped: true });
    expect(await isListening('127.0.0.1', port!)).toBe(false);
    expect(existsSync(join(dataHome, 'warp', 'nats', 'jetstream'))).toBe(true);
    expect(await warp('status')).toMatchObject({ running: false });
    expect(await warp('stop')).toEqual({ stopped: false });
  });
});
