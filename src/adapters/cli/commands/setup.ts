import { existsSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';

const USAGE = 'warp setup claude-code [--project DIR] [--user]';

/**
 * SessionStart waits for the MCP server Claude Code starts at the same time (ADR 0036): as long as
 * this, which its settings give it and its command is told.
 */
export const SESSION_START_TIMEOUT_S = 20;

/** The Claude Code hook events Warp answers: the `warp hook` arguments, timeout and tool matcher of each. */
export const CLAUDE_HOOKS: Readonly<Record<string, { args: string; timeout: number; matcher?: string }>> = {
  SessionStart: { args: `session-start --timeout ${SESSION_START_TIMEOUT_S}`, timeout: SESSION_START_TIMEOUT_S },
  UserPromptSubmit: { args: 'user-prompt-submit', timeout: 10 },
  Stop: { args: 'stop', timeout: 10 },
  // Edits of files another agent reserved are refused (path reservations).
  PreToolUse: { args: 'pre-tool-use', timeout: 10, matcher: 'Edit|Write|MultiEdit|NotebookEdit' },
};

type Json = Record<string, unknown>;

class SetupError extends Error {}

const HELP = [
  `usage: ${USAGE}`,
  '',
  "Adds Warp's MCP server to DIR/.mcp.json, its Claude Code hooks (SessionStart, UserPromptSubmit,",
  'Stop, and PreToolUse for edits of reserved files) to DIR/.claude/settings.json, and approves the',
  'server in DIR/.claude/settings.local.json (enabledMcpjsonServers: no separate approval prompt once',
  'the folder is trusted), keeping everything already there; a second run changes nothing.',
  '',
  'options:',
  '  --project DIR   the project to set up (default: the current directory)',
  '  --user          also approve "warp" in your own Claude Code settings (~/.claude/settings.json,',
  '                  or $CLAUDE_CONFIG_DIR): connected at once, with no trust step, in every',
  '                  project whose .mcp.json names a "warp" server',
  '  -h, --help      show this help',
].join('\n');

export const setup: Command = {
  name: 'setup',
  usage: USAGE,
  summary: "add Warp's MCP server (.mcp.json), hooks and approval (.claude/) to a Claude Code project",
  run: () => Promise.reject(new SetupError(`${USAGE} runs on its own; call it as a command`)),
  async standalone(argv, io) {
    try {
      const { positionals, values } = parseArgs({
        args: [...argv],
        allowPositionals: true,
        strict: true,
        options: {
          project: { type: 'string' },
          user: { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
      });
      if (values.help) {
        await io.out(`${HELP}\n`);
        return EXIT.ok;
      }
      if (positionals.length !== 1 || positionals[0] !== 'claude-code') throw new SetupError(`usage: ${USAGE}`);
      const userSettings = values.user ? claudeUserSettings(process.env) : undefined;
      for (const line of setUpClaudeCode(resolve(values.project ?? '.'), warpCommand(), userSettings))
        await io.out(`${line}\n`);
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

/**
 * Merges Warp into the project's `.mcp.json`, `.claude/settings.json` (hooks) and
 * `.claude/settings.local.json` (the server's approval); a second run changes nothing.
 */
export function setUpClaudeCode(
  project: string,
  warp: { command: string; args: string[] },
  /** The user's own Claude Code settings file, to approve the server in as well (`--user`). */
  userSettings?: string,
): string[] {
  if (!existsSync(project) || !statSync(project).isDirectory())
    throw new SetupError(`--project ${project} is not a directory`);
  const mcpFile = join(project, '.mcp.json');
  const settingsFile = join(project, '.claude', 'settings.json');
  const localFile = join(project, '.claude', 'settings.local.json');
  // Every file is read and checked before any is written, so a bad one changes nothing.
  const mcp = readJsonObject(mcpFile);
  const settings = readJsonObject(settingsFile);
  const local = readJsonObject(localFile);
  const user = userSettings === undefined ? undefined : readJsonObject(userSettings);
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
  const updated: string[] = [];
  for (const [event, { args, timeout, matcher }] of Object.entries(CLAUDE_HOOKS)) {
    const groups = hooks[event] ?? (hooks[event] = []);
    if (!Array.isArray(groups))
      throw new SetupError(`${settingsFile}: "hooks.${event}" must be a list; fix or remove it`);
    const argument = args.split(' ')[0]!;
    const present = groups
      .flatMap((group: unknown) => {
        const list = (group as { hooks?: unknown })?.hooks;
        return Array.isArray(list) ? (list as unknown[]) : [];
      })
      .find(
        (h): h is { command: string; timeout?: unknown } =>
          typeof (h as { command?: unknown })?.command === 'string' &&
          isWarpHook((h as { command: string }).command, argument),
      );
    if (!present) {
      groups.push({
        ...(matcher ? { matcher } : {}),
        hooks: [{ type: 'command', command: `${base} hook ${args}`, timeout }],
      });
      added.push(event);
    } else if (args.includes('--timeout') && !present.command.includes('--timeout')) {
      // Written before SessionStart waited for its server: it gets the time to.
      present.command = `${present.command} ${args.slice(argument.length + 1)}`;
      present.timeout = timeout;
      updated.push(event);
    }
  }
  // In the shared settings.json the approval waits for the folder to be trusted; the local file is honoured at once.
  const enable = approve(local, localFile);
  const enableForUser = user !== undefined && approve(user, userSettings!);
  if (addServer) writeJson(mcpFile, mcp);
  if (added.length || updated.length || enable) mkdirSync(join(project, '.claude'), { recursive: true });
  if (added.length || updated.length) writeJson(settingsFile, settings);
  if (enable) writeJson(localFile, local);
  if (enableForUser) {
    mkdirSync(dirname(userSettings!), { recursive: true });
    writeJson(userSettings!, user!);
  }
  report.push(
    added.length || updated.length
      ? `${settingsFile}: ${[
          ...(added.length ? [`added the ${added.join(', ')} hooks`] : []),
          ...(updated.length ? [`gave the ${updated.join(', ')} hook time to wait for its server`] : []),
        ].join('; ')}`
      : `${settingsFile}: kept the Warp hooks already there`,
    enable
      ? `${localFile}: approved the "warp" server (enabledMcpjsonServers)`
      : `${localFile}: kept the approval of the "warp" server`,
  );
  if (userSettings === undefined)
    report.push(
      'Claude Code honours that approval once this folder is trusted (the first `claude` here asks); until then ' +
        '`claude mcp list` shows warp "Pending approval". With --user, warp is approved in your own settings too and connects with no trust step.',
    );
  else
    report.push(
      enableForUser
        ? `${userSettings}: approved the "warp" server for you in every project (enabledMcpjsonServers)`
        : `${userSettings}: kept the approval of the "warp" server`,
    );
  return report;
}

/** Adds "warp" to the file's enabledMcpjsonServers; whether it was missing. */
function approve(settings: Json, file: string): boolean {
  const enabled = settings['enabledMcpjsonServers'] ?? (settings['enabledMcpjsonServers'] = []);
  if (!Array.isArray(enabled))
    throw new SetupError(`${file}: "enabledMcpjsonServers" must be a list; fix or remove it, nothing was changed`);
  if (enabled.includes('warp')) return false;
  enabled.push('warp');
  return true;
}

/** The user's Claude Code settings file: in $CLAUDE_CONFIG_DIR, else ~/.claude. */
export const claudeUserSettings = (env: NodeJS.ProcessEnv): string =>
  join(env['CLAUDE_CONFIG_DIR'] ?? join(homedir(), '.claude'), 'settings.json');

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
