import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { startWeb } from './support/web-process.js';

describe('warp web, the command (memory backend)', () => {
  const memory = { WARP_BACKEND: 'memory', MCP_PROJECT_PATH: tmpdir() };

  it('with --host it warns on stderr, still answers on loopback, and stops cleanly on SIGTERM', async () => {
    const web = await startWeb(['--port', '0', '--host', '0.0.0.0'], memory);
    // stderr and stdout are separate pipes: the warning may land after the URL.
    await expect.poll(() => web.stderr()).toMatch(/WARNING: listening on 0\.0\.0\.0, not loopback/);
    const res = await fetch(`${web.url}api/snapshot`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { me: { handle: string } }).me.handle).toBe('operator');
    web.child.kill('SIGTERM');
    expect(await web.exited).toBe(0);
  });

  it('a bad or busy port is a usage error (exit 64) that says what to change', async () => {
    const bad = await startWeb(['--port', 'http'], memory).catch((e: Error & { code: number }) => e);
    expect(bad).toMatchObject({ code: 64, message: expect.stringMatching(/--port must be a number/) });

    const first = await startWeb(['--port', '0'], memory);
    const port = new URL(first.url).port;
    const busy = await startWeb(['--port', port], memory).catch((e: Error & { code: number }) => e);
    expect(busy).toMatchObject({ code: 64, message: expect.stringMatching(`port ${port} is in use`) });
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
  });
});
