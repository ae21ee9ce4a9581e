import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNatsServer, type NatsServerHandle } from '../support/nats-server.js';

const run = promisify(execFile);
const BIN = join(process.cwd(), 'dist/src/adapters/cli/bin.js');

describe('warp CLI over a real nats-server', () => {
  let server: NatsServerHandle;
  let project: string;

  beforeAll(async () => {
    server = await startNatsServer();
    project = mkdtempSync(join(tmpdir(), 'warp-cli-'));
    writeFileSync(
      join(project, '.loom-config.json'),
      JSON.stringify({ namespace: 'cli-test', channels: [{ name: 'ops', description: 'Operations' }] }),
    );
  });
  afterAll(async () => server.dispose());

  const warp = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
        env: { ...process.env, NATS_URL: server.url, MCP_PROJECT_PATH: project, LOG_LEVEL: 'ERROR' },
        timeout: 20_000,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  const json = (out: string): any => JSON.parse(out.trim().split('\n').at(-1)!);

  it('sends and reads channel messages across invocations', async () => {
    expect((await warp('send', 'ops', 'deploy', 'at', '5pm')).code).toBe(0);
    const read = await warp('read', 'ops', '--json');
    expect(read.code).toBe(0);
    expect(json(read.stdout).messages.map((m: { body: string }) => m.body)).toContain('deploy at 5pm');
  });

  it('offers, claims and completes work between separate processes', async () => {
    const offer = json((await warp('work', 'offer', 'cli-task-1', 'ops', 'Rotate', 'keys', '--json')).stdout);
    const id = offer.workItem.workItemId as string;
    const claim = json((await warp('work', 'claim', 'ops', '--as', 'worker-1', '--json')).stdout);
    expect(claim.claimed).toBe(true);
    expect(claim.workItem.workItemId).toBe(id);
    const done = await warp('work', 'complete', id, '--as', 'worker-1', '--json');
    expect(json(done.stdout).workItem.status).toBe('completed');
    const other = await warp('work', 'complete', id, '--as', 'worker-2');
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/not claimed by you/);
  });

  it('reports bad input with exit code 2 and usage mistakes with 64', async () => {
    const bad = await warp('send', 'no.such', 'hi');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/channel/);
    expect((await warp('frobnicate')).code).toBe(64);
  });

  it('prints status as JSON', async () => {
    const status = json((await warp('status', '--json')).stdout);
    expect(status.namespace).toBe('cli-test');
    expect(status.backend).toBe('nats');
    expect(status.server).not.toMatch(/@/);
  });

  it('fails fast with exit code 3 when NATS is unreachable', async () => {
    const { code, stderr } = await run(process.execPath, [BIN, 'status'], {
      env: { ...process.env, NATS_URL: 'nats://127.0.0.1:1', MCP_PROJECT_PATH: project },
      timeout: 20_000,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(code).toBe(3);
    expect(stderr).toMatch(/nats-server|NATS_URL|WARP_BACKEND=memory/);
  });

  it('fails with exit code 3 and says to enable JetStream when the server has none', async () => {
    const plain = await startNatsServer({ jetstream: false });
    try {
      const { code, stderr } = await run(process.execPath, [BIN, 'status'], {
        env: { ...process.env, NATS_URL: plain.url, MCP_PROJECT_PATH: project },
        timeout: 20_000,
      }).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => e,
      );
      expect(code).toBe(3);
      expect(stderr).toMatch(/JetStream.*-js/);
    } finally {
      await plain.dispose();
    }
  });
});
