import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN } from '../support/stdio-agent.js';

const run = promisify(execFile);
const setup = (project: string) =>
  run(process.execPath, [BIN, 'setup', 'claude-code', '--project', project]).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
const read = (path: string): any => JSON.parse(readFileSync(path, 'utf8'));

describe('warp setup claude-code', () => {
  const dirs: string[] = [];
  const project = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'warp-setup-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('merges the server and hooks into existing settings, and a second run changes nothing', async () => {
    const dir = project();
    mkdirSync(join(dir, '.claude'));
    writeFileSync(join(dir, '.mcp.json'), JSON.stringify({ mcpServers: { github: { command: 'gh-mcp' } } }));
    const existing = {
      model: 'opus',
      permissions: { allow: ['Bash(npm test)'] },
      hooks: { Stop: [{ hooks: [{ type: 'command', command: 'notify-send done' }] }] },
      enabledMcpjsonServers: ['github'],
    };
    writeFileSync(join(dir, '.claude/settings.json'), JSON.stringify(existing));

    const first = await setup(dir);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/added the "warp" MCP server/);
    expect(first.stdout).toMatch(/added the SessionStart, UserPromptSubmit, Stop, PreToolUse hooks/);
    expect(first.stdout).toMatch(/settings\.local\.json: approved the "warp" server/);
    const mcp = read(join(dir, '.mcp.json'));
    expect(mcp.mcpServers.github).toEqual({ command: 'gh-mcp' });
    expect(mcp.mcpServers.warp).toEqual({ type: 'stdio', command: process.execPath, args: [BIN] });
    const settings = read(join(dir, '.claude/settings.json'));
    expect(settings).toMatchObject({ model: 'opus', permissions: existing.permissions });
    // The approval goes where Claude Code honours it without a trust step; the shared file keeps its own.
    expect(settings.enabledMcpjsonServers).toEqual(['github']);
    expect(read(join(dir, '.claude/settings.local.json'))).toEqual({ enabledMcpjsonServers: ['warp'] });
    expect(settings.hooks.Stop).toEqual([
      existing.hooks.Stop[0],
      { hooks: [{ type: 'command', command: `${process.execPath} ${BIN} hook stop`, timeout: 10 }] },
    ]);
    expect(settings.hooks.SessionStart[0].hooks[0]).toMatchObject({ timeout: 20 });
    expect(settings.hooks.SessionStart[0].hooks[0].command).toMatch(/ hook session-start --timeout 20$/);
    expect(settings.hooks.PreToolUse).toEqual([
      {
        matcher: 'Edit|Write|MultiEdit|NotebookEdit',
        hooks: [{ type: 'command', command: `${process.execPath} ${BIN} hook pre-tool-use`, timeout: 10 }],
      },
    ]);
    expect(settings.hooks.UserPromptSubmit[0].hooks[0].command).toMatch(/ hook user-prompt-submit$/);

    const files = ['.mcp.json', '.claude/settings.json', '.claude/settings.local.json'].map((f) =>
      readFileSync(join(dir, f), 'utf8'),
    );
    const second = await setup(dir);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/kept the "warp" server already there/);
    expect(second.stdout).toMatch(/kept the Warp hooks already there/);
    expect(second.stdout).toMatch(/kept the approval of the "warp" server/);
    expect(
      ['.mcp.json', '.claude/settings.json', '.claude/settings.local.json'].map((f) =>
        readFileSync(join(dir, f), 'utf8'),
      ),
    ).toEqual(files);

    // The hook command it wrote runs (and, with no session around, says nothing).
    const { stdout } = await run(
      'sh',
      ['-c', `echo '{"stop_hook_active":false}' | ${settings.hooks.Stop[1].hooks[0].command}`],
      {
        env: { ...process.env, WARP_RUNTIME_DIR: dir },
      },
    );
    expect(stdout).toBe('');
  });

  it('creates the files in an empty project', async () => {
    const dir = project();
    expect((await setup(dir)).code).toBe(0);
    expect(Object.keys(read(join(dir, '.claude/settings.json')).hooks)).toEqual([
      'SessionStart',
      'UserPromptSubmit',
      'Stop',
      'PreToolUse',
    ]);
    expect(Object.keys(read(join(dir, '.mcp.json')).mcpServers)).toEqual(['warp']);
    expect(read(join(dir, '.claude/settings.local.json')).enabledMcpjsonServers).toEqual(['warp']);
  });

  it('keeps what settings.local.json holds, and gives an older SessionStart hook the time to wait for its server', async () => {
    const dir = project();
    mkdirSync(join(dir, '.claude'));
    const old = `${process.execPath} ${BIN} hook session-start`;
    writeFileSync(
      join(dir, '.claude/settings.json'),
      JSON.stringify({ hooks: { SessionStart: [{ hooks: [{ type: 'command', command: old, timeout: 10 }] }] } }),
    );
    const local = { permissions: { allow: ['Bash(ls)'] }, enabledMcpjsonServers: ['github'] };
    writeFileSync(join(dir, '.claude/settings.local.json'), JSON.stringify(local));
    const result = await setup(dir);
    expect(result.stdout).toMatch(/gave the SessionStart hook time to wait for its server/);
    expect(read(join(dir, '.claude/settings.json')).hooks.SessionStart).toEqual([
      { hooks: [{ type: 'command', command: `${old} --timeout 20`, timeout: 20 }] },
    ]);
    expect(read(join(dir, '.claude/settings.local.json'))).toEqual({
      ...local,
      enabledMcpjsonServers: ['github', 'warp'],
    });
  });

  it('refuses settings that are not valid JSON, says which file, and changes nothing', async () => {
    const dir = project();
    mkdirSync(join(dir, '.claude'));
    writeFileSync(join(dir, '.claude/settings.json'), '{ "hooks": ');
    const result = await setup(dir);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(join(dir, '.claude/settings.json'));
    expect(result.stderr).toMatch(/not valid JSON.*nothing was changed/);
    expect(existsSync(join(dir, '.mcp.json'))).toBe(false);
    expect(readFileSync(join(dir, '.claude/settings.json'), 'utf8')).toBe('{ "hooks": ');
  });

  it('says how to call it when the target is missing or unknown', async () => {
    const result = await run(process.execPath, [BIN, 'setup', 'vscode']).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(result).toMatchObject({ code: 64 });
    expect((result as { stderr: string }).stderr).toMatch(/usage: warp setup claude-code \[--project DIR\]/);
  });
});
