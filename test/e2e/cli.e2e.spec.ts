import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH_EVERYWHERE, openOnly, stdioFleetOnNats } from '../support/stdio-fleet.js';

const run = promisify(execFile);
const BIN = join(process.cwd(), 'dist/src/adapters/cli/bin.js');

/** Polls `done` until it holds; fails naming `what` after `ms`. */
async function until(done: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// Each test runs CLI processes one after another: slow when the suite runs four files at once.
describe('warp CLI over a real nats-server', { timeout: 90_000 }, () => {
  const project = mkdtempSync(join(tmpdir(), 'warp-cli-'));
  // Open, each command runs a hub of its own when none answers; sealed commands need the fleet's.
  const fleet = stdioFleetOnNats({ MCP_PROJECT_PATH: project }, { hub: AUTH_EVERYWHERE && {} });

  beforeAll(() =>
    writeFileSync(
      join(project, '.loom-config.json'),
      JSON.stringify({ namespace: 'cli-test', channels: [{ name: 'ops', description: 'Operations' }] }),
    ),
  );
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  /** The environment of a command acting as `--as`'s agent, or as "cli", the CLI's default handle. */
  const cliEnv = async (args: readonly string[], logLevel: string): Promise<NodeJS.ProcessEnv> => {
    const as = args[args.indexOf('--as') + 1];
    // A malformed --as is refused before the command connects: any credential serves.
    const handle = args.includes('--as') && as && /^[a-z0-9-]{1,64}$/.test(as) ? as : 'cli';
    const fleetEnv = await fleet.clientEnv(handle, { MCP_PROJECT_PATH: project });
    return { ...process.env, ...fleetEnv, MCP_PROJECT_PATH: project, LOG_LEVEL: logLevel };
  };

  const warp = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
        env: await cliEnv(args, 'ERROR'),
        timeout: 20_000,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  const json = (out: string): any => JSON.parse(out.trim().split('\n').at(-1)!);

  it('sends and reads channel messages across invocations', async () => {
    expect((await warp('send', 'ops', 'deploy', 'at', '5pm')).code).toBe(0);
    const read = await warp('read', 'ops', '--json');
    expect(read.code).toBe(0);
    expect(json(read.stdout).messages.map((m: { body: string }) => m.body)).toContain('deploy at 5pm');
  });

  it('offers, claims and completes work between separate processes', async () => {
    const offer = json((await warp('work', 'offer', 'cli-task-1', 'ops', 'Rotate', 'keys', '--json')).stdout);
    const id = offer.workItem.workItemId as string;
    const claim = json((await warp('work', 'claim', 'ops', '--as', 'worker-1', '--json')).stdout);
    expect(claim.claimed).toBe(true);
    expect(claim.workItem.workItemId).toBe(id);
    const done = await warp('work', 'complete', id, '--as', 'worker-1', '--json');
    expect(json(done.stdout).workItem.status).toBe('completed');
    const other = await warp('work', 'complete', id, '--as', 'worker-2');
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/not claimed by you/);
  });

  // The hub's refusal in CLI terms: the same whoever asked.
  openOnly('rejects what the backend refuses with exit code 2 and a hint in CLI terms', async () => {
    const missing = await warp('send', 'no-such', 'hi');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Channel "no-such" does not exist/);
    expect(missing.stderr).toContain('`warp channel create <name>`');
    expect(missing.stderr).toContain('`warp channels`');
    expect(missing.stderr).not.toMatch(/create_channel|list_channels/);
    expect(
      (await warp('channel', 'create', 'no-such', '--description', 'made from the CLI', '--max-age', '1d')).code,
    ).toBe(0);
    expect((await warp('send', 'no-such', 'hi')).code).toBe(0);
  });

  // Refused before it connects: the same with or without a credential.
  openOnly(
    'answers a malformed command line with exit code 64 naming the option or argument, and changes nothing',
    async () => {
      const evil = await warp('send', 'ops', 'forged', '--as', 'Evil.*>');
      expect(evil.code).toBe(64);
      expect(evil.stderr).toMatch(/invalid --as "Evil\.\*>": must be 1-64 lowercase letters/);
      const typo = await warp('read', 'ops', '--lmit', '5');
      expect(typo.code).toBe(64);
      expect(typo.stderr).toMatch(/unknown option --lmit \(did you mean --limit\?\)/);
      const notANumber = await warp('read', 'ops', '--limit', 'abc');
      expect(notANumber.code).toBe(64);
      expect(notANumber.stderr).toMatch(/invalid --limit "abc": expected a whole number/);
      const outOfRange = await warp('read', 'ops', '--limit', '5000');
      expect(outOfRange.code).toBe(64);
      expect(outOfRange.stderr).toMatch(/--limit "5000"/);
      const badName = await warp('send', 'no.such', 'hi');
      expect(badName.code).toBe(64);
      expect(badName.stderr).toMatch(/invalid <channel> "no\.such"/);
      const badCapability = await warp('work', 'offer', 'evil-task', 'ops.>', 'steal');
      expect(badCapability.code).toBe(64);
      expect(badCapability.stderr).toMatch(/invalid <capability> "ops\.>"/);
      expect((await warp('read', 'ops', 'extra')).code).toBe(64);
      expect((await warp('frobnicate')).code).toBe(64);
      for (const r of [evil, typo, notANumber, outOfRange, badName, badCapability])
        expect(r.stderr).not.toMatch(/\n\s+at /);

      const messages = json((await warp('read', 'ops', '--limit', '1000', '--json')).stdout).messages;
      expect(messages.map((m: { body: string }) => m.body)).not.toContain('forged');
      const work = json((await warp('work', 'list', '--json')).stdout);
      expect(work.items.map((w: { taskId: string }) => w.taskId)).not.toContain('evil-task');
    },
  );

  it('takes a handle for dm, hints at --all, exits 4 with nothing to claim, names holders, suggests a command', async () => {
    // Nothing to claim: exit 4, so a script can tell it from a claim and from a failure.
    const none = await warp('work', 'claim', 'nobody-offers-this', '--timeout', '100', '--as', 'idle-1', '--json');
    expect(none.code).toBe(4);
    expect(json(none.stdout).claimed).toBe(false);
    expect(none.stderr).toBe('');

    // Holders by handle.
    await warp('work', 'offer', 'held-1', 'holding', 'Hold', 'this');
    const claimed = await warp('work', 'claim', 'holding', '--as', 'holder-1', '--json');
    expect(json(claimed.stdout).workItem.holderHandle).toBe('holder-1');
    const listed = await warp('work', 'list', '--capability', 'holding');
    expect(listed.stdout).toMatch(/claimed .* held by holder-1 {2}held-1: Hold this/);
    expect(json((await warp('work', 'list', '--capability', 'holding', '--json')).stdout).items[0].holderHandle).toBe(
      'holder-1',
    );

    // A direct message to a handle.
    expect((await warp('inbox', '--as', 'dm-target')).code).toBe(0);
    const sent = await warp('dm', 'dm-target', 'hello', 'by', 'handle', '--as', 'dm-sender');
    expect(sent).toMatchObject({ code: 0, stderr: '' });
    expect((await warp('inbox', '--as', 'dm-target')).stdout).toMatch(/dm-sender \(text\): hello by handle/);

    // Every CLI agent ends with its command: none is online, and the listing says where to look.
    const agents = await warp('agents');
    expect(agents.code).toBe(0);
    expect(agents.stdout).toMatch(/^no agents online; \d+ offline \(`warp agents --all` lists them\)$/m);

    const typo = await warp('wrok', 'list');
    expect(typo.code).toBe(64);
    expect(typo.stderr).toMatch(/unknown command "wrok" \(did you mean `warp work`\?\)/);
    const subTypo = await warp('work', 'lsit');
    expect(subTypo.code).toBe(64);
    expect(subTypo.stderr).toMatch(/unknown subcommand "lsit" \(did you mean `warp work list`\?\)/);
  });

  openOnly('describes every subcommand, argument and option with --help', async () => {
    const group = await warp('work', '--help');
    expect(group.code).toBe(0);
    for (const sub of ['offer', 'claim', 'complete', 'fail', 'progress', 'list', 'show'])
      expect(group.stdout).toContain(`warp work ${sub} `);
    const offer = await warp('work', 'offer', '--help');
    expect(offer.code).toBe(0);
    expect(offer.stdout).toMatch(/<task-id>/);
    expect(offer.stdout).toMatch(/--priority P\s+1-10/);
  });

  it('logs nothing to stderr unless asked with -v', async () => {
    const quiet = await run(process.execPath, [BIN, 'channels'], { env: await cliEnv([], '') });
    expect(quiet.stderr).toBe('');
    const verbose = await run(process.execPath, [BIN, 'channels', '-v'], { env: await cliEnv([], '') });
    expect(verbose.stderr).toMatch(/ INFO starting backend=nats/);
  });

  openOnly('exits quietly with 0 when whoever reads its output goes away (| head -1)', async () => {
    await warp('work', 'offer', 'pipe-1', 'pipes', 'first');
    await warp('work', 'offer', 'pipe-2', 'pipes', 'second');
    const child = spawn(process.execPath, [BIN, 'work', 'list'], {
      env: await cliEnv([], ''),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The reader is gone before the first line is written: every write is EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('read --follow prints a message sent by another CLI call with the same handle at once, and stops at once on Ctrl-C', async () => {
    await warp('channel', 'create', 'tail');
    await warp('send', 'tail', 'before-follow');
    const follower = spawn(process.execPath, [BIN, 'read', 'tail', '--follow'], {
      env: await cliEnv([], ''),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    follower.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    follower.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(follower, 'exit');
    try {
      await until(() => stdout.includes('before-follow'), 20_000, 'the first page');
      // Same default handle "cli" as the follower: it must not be filtered as "own".
      expect((await warp('send', 'tail', 'while-following')).code).toBe(0);
      // The old follow polled every 20 s; a live notice comes within milliseconds.
      await until(() => stdout.includes('while-following'), 3_000, 'the new message');
      follower.kill('SIGINT');
      const [code] = (await withDeadline(exited, 3_000, 'exit after Ctrl-C')) as [number];
      expect(code).toBe(0);
      expect(stderr).toBe('');
    } finally {
      follower.kill('SIGKILL');
    }
  });

  openOnly(
    'Ctrl-C ends a command that is waiting (a claim with nothing to claim) at once, with exit code 130',
    async () => {
      const claimer = spawn(process.execPath, [BIN, 'work', 'claim', 'idle-queue', '--timeout', '30000', '-v'], {
        env: await cliEnv([], ''),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      claimer.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = once(claimer, 'exit');
      try {
        // -v logs the start of the session: from then on the claim is waiting.
        await until(() => /INFO starting/.test(stderr), 20_000, 'the claim to start');
        claimer.kill('SIGINT');
        const [code] = (await withDeadline(exited, 5_000, 'exit after Ctrl-C')) as [number];
        expect(code).toBe(130);
      } finally {
        claimer.kill('SIGKILL');
      }
    },
  );

  it('prints status as JSON', async () => {
    const status = json((await warp('status', '--json')).stdout);
    expect(status.namespace).toBe('cli-test');
    expect(status.backend).toBe('nats');
    expect(status.server).not.toMatch(/@/);
  });
});
