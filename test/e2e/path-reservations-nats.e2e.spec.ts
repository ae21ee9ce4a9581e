import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOnly, stdioFleetOnNats } from '../support/stdio-fleet.js';
import { BIN, StdioAgent } from '../support/stdio-agent.js';

const FAKE_CLAUDE = join(process.cwd(), 'test/support/fake-claude.mjs');
/** A bound for a loaded machine: a time-based end (TTL, a stale holder) must show within it. */
const ENDS_WITHIN_MS = 20_000;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end (any exit code), with `input` on stdin. */
function exec(file: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd?: string, input = ''): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(file, [...args], { env, cwd, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(input);
  });
}

/**
 * Path reservations end to end on a real nats-server and hub: MCP sessions over stdio in a temporary
 * git repository, the PreToolUse hook under a stand-in Claude Code, the git pre-commit guard, the CLI.
 */
// Each test runs several CLI, hook and git processes besides two sessions: slow when the suite runs four files at once.
describe('path reservations (real stdio MCP sessions on NATS, a git repository)', { timeout: 90_000 }, () => {
  const repo = mkdtempSync(join(tmpdir(), 'warp-reserve-repo-'));
  const runtimeDir = mkdtempSync(join(tmpdir(), 'warp-reserve-runtime-'));
  const env = {
    WARP_NAMESPACE: 'reservations',
    WARP_RUNTIME_DIR: runtimeDir,
    MCP_PROJECT_PATH: repo,
    WARP_PUSH: 'none',
    // A holder on another host (or a sealed one, whose host is its credential's) ends by going stale.
    WARP_HEARTBEAT_MS: '500',
  };
  const fleet = stdioFleetOnNats(env, { hub: { WARP_STALE_AFTER_MS: '3000' } });
  const started: StdioAgent[] = [];
  const git = (...args: string[]): string => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' });
  const write = (path: string, text: string): void => {
    mkdirSync(join(repo, path, '..'), { recursive: true });
    writeFileSync(join(repo, path), text);
  };

  beforeAll(() => {
    git('init', '-q');
    git('config', 'user.email', 'test@example.com');
    git('config', 'user.name', 'test');
    git('config', 'commit.gpgsign', 'false');
    for (const path of ['src/app/x.ts', 'src/lib/y.ts', 'docs/free.md']) write(path, 'first\n');
    git('add', '.');
    git('commit', '-q', '-m', 'first');
  });
  afterAll(async () => {
    await Promise.all(started.map((a) => a.close()));
    rmSync(repo, { recursive: true, force: true });
    rmSync(runtimeDir, { recursive: true, force: true });
  });

  /** A registered agent session; `claude` starts it under a stand-in Claude Code, which runs its hooks. */
  const agent = async (handle: string, claude = false): Promise<StdioAgent> => {
    const session = claude
      ? await StdioAgent.start({ ...env, ...(await fleet.clientEnv(handle, env)) }, { via: FAKE_CLAUDE })
      : await fleet.start({}, { handle });
    started.push(session);
    if (claude && !fleet.auth) await session.call('set_handle', { handle });
    await session.call('register_agent', { agentType: handle });
    return session;
  };

  /** Runs `warp hook pre-tool-use` for an edit, as the stand-in Claude Code of `session` does. */
  const preToolUse = async (session: StdioAgent, toolName: string, path: string): Promise<Run> => {
    const port = /FAKE_CLAUDE_PORT=(\d+)/.exec(session.stderr())?.[1];
    if (!port) throw new Error(`fake claude printed no port: ${session.stderr()}`);
    const input = {
      session_id: 's',
      transcript_path: '/tmp/t.jsonl',
      cwd: repo,
      hook_event_name: 'PreToolUse',
      tool_name: toolName,
      tool_input: toolName === 'NotebookEdit' ? { notebook_path: path } : { file_path: path, old_string: 'a' },
    };
    const res = await fetch(`http://127.0.0.1:${port}/hook`, {
      method: 'POST',
      body: JSON.stringify({
        command: `"${process.execPath}" "${BIN}" hook pre-tool-use`,
        input: JSON.stringify(input),
      }),
    });
    return (await res.json()) as Run;
  };

  /** `warp …` as `handle` (with authentication, its credential), from the repository. */
  const warp = async (handle: string, ...args: string[]): Promise<Run> =>
    exec(
      process.execPath,
      [BIN, ...args],
      { ...process.env, ...env, ...(await fleet.clientEnv(handle, env)), LOG_LEVEL: 'ERROR' },
      repo,
    );

  const commit = async (handle: string, paths: string[], extra: Record<string, string> = {}): Promise<Run> => {
    for (const path of paths) write(path, `${Date.now()} ${Math.random()}\n`);
    git('add', ...paths);
    const result = await exec('git', ['-C', repo, 'commit', '-m', `change ${paths.join(' ')}`], {
      ...process.env,
      ...env,
      ...(await fleet.clientEnv(handle, env)),
      LOG_LEVEL: 'ERROR',
      ...extra,
    });
    if (result.code !== 0) git('reset', '-q', '--hard', 'HEAD');
    return result;
  };

  it('refuses an overlapping reservation, an edit and a commit, naming the holder, until she releases', async () => {
    const alice = await agent('alice');
    const bob = await agent('bob', true);
    const mine = await alice.call('reserve_paths', { paths: ['src/app/**'], reason: 'refactoring the app' });
    expect(mine.granted).toEqual([expect.objectContaining({ pattern: 'src/app/**', exclusive: true })]);

    // The reservation itself.
    const refused = await bob.call('reserve_paths', { paths: [join(repo, 'src/app/x.ts')] });
    expect(refused.granted).toEqual([]);
    expect(refused.refused).toEqual([
      {
        pattern: 'src/app/x.ts',
        heldBy: [
          expect.objectContaining({
            pattern: 'src/app/**',
            holder: expect.objectContaining({ handle: 'alice' }),
            reason: 'refactoring the app',
          }),
        ],
      },
    ]);
    const text = await bob.client.callTool({ name: 'reserve_paths', arguments: { paths: ['src/app/x.ts'] } });
    expect(JSON.stringify(text.content)).toMatch(/Refused src\/app\/x\.ts: held by @alice.*refactoring the app/);

    // The edit: denied naming alice, her reason and expiry; a free path and a tool that edits nothing say nothing.
    const denied = await preToolUse(bob, 'Edit', join(repo, 'src/app/x.ts'));
    expect(denied).toMatchObject({ code: 0, stderr: '' });
    const output = JSON.parse(denied.stdout) as {
      hookSpecificOutput: { hookEventName: string; permissionDecision: string; permissionDecisionReason: string };
    };
    expect(output.hookSpecificOutput).toMatchObject({ hookEventName: 'PreToolUse', permissionDecision: 'deny' });
    const reason = output.hookSpecificOutput.permissionDecisionReason;
    expect(reason).toContain('src/app/x.ts is reserved by @alice (src/app/**: "refactoring the app") until ');
    expect(reason).toContain(mine.granted[0].expiresAt);
    expect(reason).toMatch(/message @alice/);
    for (const [tool, path] of [
      ['Write', join(repo, 'docs/free.md')],
      ['MultiEdit', 'src/lib/y.ts'],
      ['Read', join(repo, 'src/app/x.ts')],
      ['Edit', '/etc/hosts'],
    ] as const)
      expect(await preToolUse(bob, tool, path)).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(JSON.parse((await preToolUse(bob, 'NotebookEdit', 'src/app/n.ipynb')).stdout)).toMatchObject({
      hookSpecificOutput: { permissionDecision: 'deny' },
    });

    // The commit: bob's guard refuses src/app/x.ts naming alice, lets a free path through.
    const chainedLog = join(repo, '.git', 'chained.log');
    const hooks = join(repo, '.git', 'hooks');
    mkdirSync(hooks, { recursive: true });
    writeFileSync(join(hooks, 'pre-commit'), `#!/bin/sh\necho ran >> '${chainedLog}'\n`);
    chmodSync(join(hooks, 'pre-commit'), 0o755);
    const installed = await warp('bob', 'guard', 'install', '--as', 'bob');
    expect(installed).toMatchObject({ code: 0 });
    expect(installed.stdout).toMatch(/kept the hook that was there as pre-commit\.before-warp/);
    const blocked = await commit('bob', ['src/app/x.ts']);
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toMatch(/commit refused/);
    expect(blocked.stderr).toMatch(/src\/app\/x\.ts: @alice \(src\/app\/\*\*: "refactoring the app"\) until /);
    expect(await commit('bob', ['docs/free.md'])).toMatchObject({ code: 0 });
    // WARP_GUARD=off lets the commit through (the chained hook still runs).
    expect(await commit('bob', ['src/app/x.ts'], { WARP_GUARD: 'off' })).toMatchObject({ code: 0 });
    expect(readFileSync(chainedLog, 'utf8')).toBe('ran\nran\nran\n');
    // Warp unreachable: a warning, and the commit goes ahead.
    const unchecked = await commit('bob', ['src/app/x.ts'], { NATS_URL: 'nats://127.0.0.1:1', WARP_HUB: 'external' });
    expect(unchecked.code).toBe(0);
    expect(unchecked.stderr).toMatch(/warp guard: cannot check path reservations.*goes ahead unchecked/);

    // The CLI sees and is refused the same.
    const listed = await warp('cli', 'reservations', '--json');
    expect(JSON.parse(listed.stdout).reservations).toEqual([
      expect.objectContaining({ pattern: 'src/app/**', holder: expect.objectContaining({ handle: 'alice' }) }),
    ]);
    const cliRefused = await warp('carol', 'reserve', 'src/app/z.ts', '--as', 'carol');
    expect(cliRefused.code).toBe(2);
    expect(cliRefused.stderr).toMatch(/src\/app\/z\.ts is held by @alice/);

    // Released: bob gets it, his edit and commit go through.
    expect(await alice.call('release_paths', {})).toEqual({ released: ['src/app/**'] });
    expect((await bob.call('reserve_paths', { paths: ['src/app/x.ts'] })).granted).toHaveLength(1);
    expect(await preToolUse(bob, 'Edit', join(repo, 'src/app/x.ts'))).toMatchObject({ code: 0, stdout: '' });
    expect(await commit('bob', ['src/app/x.ts'])).toMatchObject({ code: 0 });
    expect(await bob.call('release_paths', { paths: ['src/app/x.ts'] })).toEqual({ released: ['src/app/x.ts'] });

    expect((await warp('bob', 'guard', 'uninstall')).stdout).toMatch(/put back the hook it chained/);
    expect(readFileSync(join(hooks, 'pre-commit'), 'utf8')).toContain('chained.log');
    expect(existsSync(join(hooks, 'pre-commit.before-warp'))).toBe(false);
  });

  it('ends a reservation at its TTL, and when its holder is killed', async () => {
    const dana = await agent('dana');
    const erik = await agent('erik');
    await dana.call('reserve_paths', { paths: ['lib/**'], ttlSeconds: 1 });
    expect((await erik.call('reserve_paths', { paths: ['lib/a.ts'] })).refused).toHaveLength(1);
    await expect
      .poll(async () => (await erik.call('reserve_paths', { paths: ['lib/a.ts'] })).granted.length, {
        timeout: ENDS_WITHIN_MS,
        interval: 200,
      })
      .toBe(1);

    const fay = await agent('fay');
    await fay.call('reserve_paths', { paths: ['ops/**'], reason: 'deploying' });
    expect((await erik.call('list_reservations', { path: 'ops/run.sh' })).count).toBe(1);
    process.kill(fay.pid, 'SIGKILL');
    await fay.exited();
    await expect
      .poll(async () => (await erik.call('reserve_paths', { paths: ['ops/run.sh'] })).granted.length, {
        timeout: ENDS_WITHIN_MS,
        interval: 200,
      })
      .toBe(1);
    expect((await erik.call('list_reservations', {})).reservations.map((r: any) => r.holder.handle)).toEqual([
      'erik',
      'erik',
    ]);
  });

  // The hub decides the race, whoever the racers are.
  openOnly('gives one of two sessions racing for one path the reservation, never both', async () => {
    const racers = await Promise.all([agent('gus'), agent('hal')]);
    for (let round = 0; round < 5; round++) {
      const answers = await Promise.all(
        racers.map((r) => r.call('reserve_paths', { paths: [`race/${round}.ts`], reason: `round ${round}` })),
      );
      expect(answers.map((a) => a.granted.length).sort()).toEqual([0, 1]);
      expect((await racers[0]!.call('list_reservations', { path: `race/${round}.ts` })).count).toBe(1);
    }
  });

  // Ten times for the race between the hook and its server; with credentials once, for the credential.
  const starts = fleet.auth ? 1 : 10;
  it(`a SessionStart hook started together with its server prints the digest every time (${starts} of ${starts})`, async () => {
    const hook = `"${process.execPath}" "${BIN}" hook session-start --timeout 20`;
    const input = JSON.stringify({ session_id: 's', cwd: repo, hook_event_name: 'SessionStart', source: 'startup' });
    for (let i = 0; i < starts; i++) {
      const session = await StdioAgent.start(
        {
          ...env,
          ...(await fleet.clientEnv(`starter-${i}`, env)),
          FAKE_CLAUDE_AT_START: hook,
          FAKE_CLAUDE_AT_START_INPUT: input,
        },
        { via: FAKE_CLAUDE },
      );
      started.push(session);
      await expect
        .poll(() => /FAKE_CLAUDE_AT_START_RESULT=(.*)/.exec(session.stderr())?.[1], { timeout: 30_000, interval: 50 })
        .toBeDefined();
      const run = JSON.parse(/FAKE_CLAUDE_AT_START_RESULT=(.*)/.exec(session.stderr())![1]!) as Run;
      expect(run, `run ${i + 1} of ${starts}`).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(run.stdout).hookSpecificOutput).toMatchObject({
        hookEventName: 'SessionStart',
        additionalContext: expect.stringMatching(/Warp/),
      });
      await session.close();
    }
  }, 180_000);
});
