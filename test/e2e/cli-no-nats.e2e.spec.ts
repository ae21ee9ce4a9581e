import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startNatsServer } from '../support/nats-server.js';
import { BIN } from '../support/stdio-agent.js';

const run = promisify(execFile);

describe('warp CLI without a usable nats-server', () => {
  const project = mkdtempSync(join(tmpdir(), 'warp-cli-'));

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
