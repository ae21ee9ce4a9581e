import { execFile } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN } from '../support/stdio-agent.js';

const run = promisify(execFile);
/** The real Claude Code from npm (a devDependency): `claude mcp list` needs no login and no network. */
const CLAUDE = join(process.cwd(), 'node_modules/.bin/claude');

/**
 * Claude Code itself, in a project `warp setup claude-code` prepared, with a home of its own: which
 * approval makes it connect to Warp, with and without the folder's trust. Claude Code 2.1.337 reads
 * a project's `.claude/settings.local.json` (as its shared settings) only once the folder is trusted;
 * the user's own settings count at once.
 */
describe('a real Claude Code in a project set up by warp setup claude-code', () => {
  const dirs: string[] = [];
  const temp = (prefix: string): string => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  const prepare = async (...options: string[]): Promise<{ project: string; env: NodeJS.ProcessEnv; out: string }> => {
    const project = temp('warp-claude-project-');
    const home = temp('warp-claude-home-');
    await run('git', ['init', '-q'], { cwd: project });
    const { CLAUDE_CONFIG_DIR: _ignored, ...base } = process.env;
    // The server Claude Code starts runs in memory: Connected is about the MCP handshake, not NATS.
    const env = { ...base, HOME: home, WARP_BACKEND: 'memory', WARP_RUNTIME_DIR: temp('warp-claude-runtime-') };
    const { stdout } = await run(process.execPath, [BIN, 'setup', 'claude-code', '--project', project, ...options], {
      env,
    });
    return { project, env, out: stdout };
  };
  const mcpList = async (project: string, env: NodeJS.ProcessEnv): Promise<string> =>
    (await run(CLAUDE, ['mcp', 'list'], { cwd: project, env, timeout: 60_000 })).stdout;

  it('lists warp as Connected with no trust step when set up with --user', async () => {
    const { project, env, out } = await prepare('--user');
    expect(out).toMatch(/approved the "warp" server for you in every project/);
    expect(await mcpList(project, env)).toMatch(/^warp: .* - ✔ Connected$/m);
  });

  it('lists warp as Connected, with no approval prompt of its own, once the folder is trusted', async () => {
    const { project, env, out } = await prepare();
    expect(out).toMatch(/settings\.local\.json: approved the "warp" server/);
    expect(out).toMatch(/once this folder is trusted .* With --user, warp is approved in your own settings too/);
    // What the trust dialog of the first `claude` here records when the user accepts it.
    writeFileSync(
      join(env['HOME']!, '.claude.json'),
      JSON.stringify({ projects: { [project]: { hasTrustDialogAccepted: true } } }),
    );
    expect(await mcpList(project, env)).toMatch(/^warp: .* - ✔ Connected$/m);
  });
});
