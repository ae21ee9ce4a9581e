import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { setUpClaudeCode } from '../../../src/adapters/cli/commands/setup.js';

const read = (path: string): any => JSON.parse(readFileSync(path, 'utf8'));

describe('the Claude Code plugin shipped in plugin/', () => {
  it('has a manifest with the package version, the warp MCP server and the hooks setup writes', () => {
    const manifest = read('plugin/.claude-plugin/plugin.json');
    expect(manifest).toMatchObject({ name: 'warp', version: read('package.json').version });
    const project = mkdtempSync(join(tmpdir(), 'warp-plugin-'));
    try {
      setUpClaudeCode(project, { command: 'warp', args: [] });
      const written = { mcp: read(join(project, '.mcp.json')), settings: read(join(project, '.claude/settings.json')) };
      expect(read('plugin/.mcp.json')).toEqual(written.mcp);
      expect(read('plugin/hooks/hooks.json').hooks).toEqual(written.settings.hooks);
      expect(Object.keys(written.settings.hooks)).toEqual(['SessionStart', 'UserPromptSubmit', 'Stop', 'PreToolUse']);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});
