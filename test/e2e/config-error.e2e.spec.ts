import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BIN, StdioAgent } from '../support/stdio-agent.js';

const run = promisify(execFile);

/** A project whose .loom-config.json is not JSON; `fix` replaces it with a valid one. */
function brokenProject(): { dir: string; fix(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'warp-bad-config-'));
  const file = join(dir, '.loom-config.json');
  writeFileSync(file, '{ "namespace": "cfg-test", ');
  return {
    dir,
    fix: () => writeFileSync(file, JSON.stringify({ namespace: 'cfg-test', channels: [{ name: 'ops' }] })),
  };
}

describe('a malformed configuration is a config error, not an unreachable backend', () => {
  const warp = async (env: Record<string, string>, ...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
        env: { ...process.env, WARP_BACKEND: 'memory', LOG_LEVEL: 'ERROR', ...env },
        timeout: 20_000,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it('CLI: a bad .loom-config.json or env value exits 2 with the config message; once fixed, the command works', async () => {
    const project = brokenProject();
    const bad = await warp({ MCP_PROJECT_PATH: project.dir }, 'channels');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^warp: error: Invalid JSON in .*\.loom-config\.json/);
    expect(bad.stderr).not.toMatch(/cannot reach|unavailable|warp doctor/i);

    const badEnv = await warp({ MCP_PROJECT_PATH: project.dir, WARP_MAX_MESSAGE_BYTES: 'lots' }, 'channels');
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toMatch(/WARP_MAX_MESSAGE_BYTES/);
    expect(badEnv.stderr).not.toMatch(/cannot reach|unavailable/i);

    project.fix();
    const fixed = await warp({ MCP_PROJECT_PATH: project.dir }, 'channels', '--json');
    expect(fixed.stderr).toBe('');
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain('"ops"');
  });

  it('MCP: the server answers at once, each call says the configuration is invalid, and the call after the fix works', async () => {
    const project = brokenProject();
    const agent = await StdioAgent.start({ WARP_BACKEND: 'memory', MCP_PROJECT_PATH: project.dir });
    try {
      const { tools } = await agent.client.listTools();
      expect(tools.map((t) => t.name)).toContain('list_channels');

      for (const tool of ['list_channels', 'get_my_handle']) {
        const text = await agent.callError(tool);
        expect(text).toMatch(
          /^Warp's configuration is invalid \(fix it, then call again\): Invalid JSON in .*\.loom-config\.json/,
        );
        expect(text).not.toMatch(/cannot reach/);
      }
      // stderr is another pipe: the log line may arrive after the tool's answer.
      const deadline = Date.now() + 10_000;
      while (!/configuration error/.test(agent.stderr()) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(agent.stderr()).toMatch(/configuration error/);
      expect(agent.stderr()).not.toMatch(/backend unavailable/);

      project.fix();
      const { channels } = await agent.call<{ channels: Array<{ name: string }> }>('list_channels');
      expect(channels.map((c) => c.name)).toContain('ops');
    } finally {
      await agent.close();
    }
  });
});
