import { existsSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';

const USAGE = 'warp setup claude-code [--project DIR]';

/** The Claude Code hook events Warp answers, and the `warp hook` argument for each. */
export const CLAUDE_HOOKS = {
  SessionStart: 'session-start',
  UserPromptSubmit: 'user-prompt-submit',
  Stop: 'stop',
} as const;

type Json = Record<string, unknown>;

class SetupError extends Error {}

const HELP = [
  `usage: ${USAGE}`,
  '',
  "Adds Warp's MCP server to DIR/.mcp.json and its three Claude Code hooks (SessionStart,",
  'UserPromptSubmit, Stop) to DIR/.claude/settings.json, keeping everything already there;',
  'a second run changes nothing.',
  '',
  'options:',
  '  --project DIR   the project to set up (default: the current directory)',
  '  -h, --help      show this help',
].join('\n');

export const setup: Command = {
  name: 'setup',
  usage: USAGE,
  summary: "add Warp's MCP server (.mcp.json) and hooks (.claude/settings.json) to a Claude Code project",
  run: () => Promise.reject(new SetupError(`${USAGE} runs on its own; call it as a command`)),
  async standalone(argv, io) {
    try {
      const { positionals, values } = parseArgs({
        args: [...argv],
        allowPositionals: true,
        strict: true,
        options: { project: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      });
      if (values.help) {
        await io.out(`${HELP}\n`);
        return EXIT.ok;
      }
      if (positionals.length !== 1 || positionals[0] !== 'claude-code') throw new SetupError(`usage: ${USAGE}`);
      for (const line of setUpClaudeCode(resolve(values.project ?? '.'), warpCommand())) await io.out(`${line}\n`);
      return EXIT.ok;
    } catch (error) {
      process.stderr.write(`warp: ${error instanceof Error ? error.message : String(error)}\n`);
      return error instanceof SetupError || error instanceof TypeError ? EXIT.usage : EXIT.failed;
    }
  },
};

/** How Claude Code should start this Warp: `warp` when that is on PATH and is this install, else node and the bin. */
export function warpCommand(): { command: string; args: string[] } {
  const bin = fileURLToPath(new URL('../bin.js', import.meta.url));
  const onPath = (process.env['PATH'] ?? '')
    .split(delimiter)
    .map((dir) => join(dir, 'warp'))
    .find((p) => existsSync(p));
  try {
    if (onPath && realpathSync(onPath) === realpathSync(bin)) return { command: 'warp', args: [] };
  } catch {
    // Not resolvable: fall back to the explicit form.
  }
  return { command: process.execPath, args: [bin] };
}

const shellQuote = (word: string): string =>
  /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;

/** Merges Warp into the project's `.mcp.json` and `.claude/settings.json`; a second run changes nothing. */
export function setUpClaudeCode(project: string, warp: { command: string; args: string[] }): string[] {
  if (!existsSync(project) || !statSync(project).isDirectory())
    throw new SetupError(`--project ${project} is not a directory`);
  const mcpFile = join(project, '.mcp.json');
  const settingsFile = join(project, '.claude', 'settings.json');
  // Both files are read and checked before either is written, so a bad one changes nothing.
  const mcp = readJsonObject(mcpFile);
  const settings = readJsonObject(settingsFile);
  const report: string[] = [];

  const servers = objectField(mcp, 'mcpServers', mcpFile);
  const addServer = servers['warp'] === undefined;
  if (addServer) servers['warp'] = { type: 'stdio', command: warp.command, args: warp.args };
  report.push(
    addServer
      ? `${mcpFile}: added the "warp" MCP server (${[warp.command, ...warp.args].join(' ')})`
      : `${mcpFile}: kept the "warp" server already there`,
  );

  const hooks = objectField(settings, 'hooks', settingsFile);
  const base = [warp.command, ...warp.args].map(shellQuote).join(' ');
  const added: string[] = [];
  for (const [event, argument] of Object.entries(CLAUDE_HOOKS)) {
    const groups = hooks[event] ?? (hooks[event] = []);
    if (!Array.isArray(groups))
      throw new SetupError(`${settingsFile}: "hooks.${event}" must be a list; fix or remove it`);
    const present = groups.some((group: unknown) =>
      ((group as { hooks?: unknown })?.hooks instanceof Array ? (group as { hooks: unknown[] }).hooks : []).some(
        (h) =>
          typeof (h as { command?: unknown })?.command === 'string' &&
          isWarpHook((h as { command: string }).command, argument),
      ),
    );
    if (present) continue;
    groups.push({ hooks: [{ type: 'command', command: `${base} hook ${argument}`, timeout: 10 }] });
    added.push(event);
  }
  const enabled = settings['enabledMcpjsonServers'] ?? (settings['enabledMcpjsonServers'] = []);
  const enable = Array.isArray(enabled) && !enabled.includes('warp');
  if (enable) enabled.push('warp');
  if (addServer) writeJson(mcpFile, mcp);
  if (added.length || enable) {
    mkdirSync(join(project, '.claude'), { recursive: true });
    writeJson(settingsFile, settings);
  }
  report.push(
    added.length
      ? `${settingsFile}: added the ${added.join(', ')} hooks`
      : `${settingsFile}: kept the Warp hooks already there`,
  );
  return report;
}

const isWarpHook = (command: string, argument: string): boolean =>
  new RegExp(`(^|[\\s/'"])(warp|bin\\.js)['"]?\\s+hook\\s+${argument}(\\s|$)`).test(command);

function readJsonObject(file: string): Json {
  if (!existsSync(file)) return {};
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SetupError(
      `${file} is not valid JSON (${error instanceof Error ? error.message : String(error)}); fix or remove it, nothing was changed`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new SetupError(`${file} must hold a JSON object; fix or remove it, nothing was changed`);
  return value as Json;
}

function objectField(parent: Json, key: string, file: string): Json {
  const value = parent[key] ?? (parent[key] = {});
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new SetupError(`${file}: "${key}" must be an object; fix or remove it, nothing was changed`);
  return value as Json;
}

function writeJson(file: string, value: Json): void {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}
