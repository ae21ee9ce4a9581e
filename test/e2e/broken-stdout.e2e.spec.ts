import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN } from '../support/stdio-agent.js';
import { within } from './support/exit-deadline.js';

describe('a broken stdout', () => {
  it('makes the server exit instead of writing into a closed pipe forever', async () => {
    const child = spawn(process.execPath, [BIN], {
      env: { ...process.env, WARP_BACKEND: 'memory', WARP_NAMESPACE: 'epipe', LOG_LEVEL: 'INFO' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    const ready = new Promise<void>((resolve) =>
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('MCP server ready')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await within(ready, 'startup');

    child.stdout.destroy(); // nobody reads the answers any more
    const initialize = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'gone', version: '1' } },
    };
    child.stdin.write(`${JSON.stringify(initialize)}\n`);

    const code = await within(exited, 'exit after EPIPE');
    expect(stderr).toMatch(/shutting down reason="stdout failed \(write EPIPE\)"/);
    expect(code).toBe(1);
  });
});
