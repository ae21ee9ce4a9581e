import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WarpApi } from '../../src/application/index.js';
import { createLogger } from '../../src/adapters/config/index.js';
import { ask } from '../../src/adapters/hook/hook-client.js';
import { startHookEndpoint, type HookEndpoint } from '../../src/adapters/hook/hook-endpoint.js';
import { whoamiAnswer } from '../../src/adapters/hook/hook-protocol.js';
import { launchLocalHub } from '../../src/adapters/hub/hub-launcher.js';
import { UntrustedDirectory } from '../../src/adapters/system/private-dir.js';
import { liveSessionRecords, socketPath, trustedSessionsDir } from '../../src/adapters/system/session-records.js';

/**
 * chown to another user needs root, and the attacker in these tests is `nobody`: the suite runs as
 * root (as CI does), with setfacl from Debian's `acl` package, which `.ci/run` installs.
 */
const ROOT = process.getuid?.() === 0;
const NOBODY = 65534;

const mode = (path: string): number => statSync(path).mode & 0o7777;

/** The hook endpoint only needs who the agent is to answer `whoami`. */
const app = { getMyHandle: () => Promise.resolve({ handle: 'me', guid: 'guid-me' }) } as unknown as WarpApi;

/** What another user's process gets when it connects to `socket`: 'connected' or the error code. */
function connectAs(uid: number, socket: string): Promise<string> {
  const script = `const c = require('node:net').connect(process.argv[1]);
c.on('connect', () => { console.log('connected'); c.destroy(); });
c.on('error', (e) => console.log(e.code));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script, socket], { uid, gid: uid, cwd: '/', env: {} });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => resolve(out.trim()));
  });
}

describe('the runtime directory of hook sockets, session records and hub locks', () => {
  let root: string;
  let runtime: string;
  let open: HookEndpoint[];
  beforeEach(() => {
    // Never the user's own runtime directory; traversable by all, as /tmp is, so that only what Warp checks keeps others out.
    root = mkdtempSync(join(tmpdir(), 'warp-private-dir-'));
    chmodSync(root, 0o755);
    runtime = join(root, 'runtime');
    open = [];
  });
  afterEach(async () => {
    await Promise.all(open.map((hooks) => hooks.close()));
    rmSync(root, { recursive: true, force: true });
  });

  const env = (): NodeJS.ProcessEnv => ({ WARP_RUNTIME_DIR: runtime });
  const sessions = (): string => join(runtime, 'sessions');
  const socket = (): string => socketPath(sessions());
  /** Starts a session's hook endpoint over `runtime`; returns what it logged. */
  async function startEndpoint(): Promise<string[]> {
    const lines: string[] = [];
    open.push(await startHookEndpoint(app, createLogger('DEBUG', [], { write: (l) => lines.push(l) }), env()));
    return lines;
  }
  /** Hooks are off (said as an error naming the directory and the way out), nothing listens, nothing is made. */
  async function expectRefused(dir: string, why: RegExp): Promise<void> {
    const lines = await startEndpoint();
    const said = lines.join('');
    expect(said).toMatch(/ ERROR Claude Code hooks are off for this session/);
    expect(said).toContain(`${dir} is not a private directory of yours`);
    expect(said).toMatch(why);
    expect(said).toContain('WARP_RUNTIME_DIR');
    expect(existsSync(socket())).toBe(false);
    expect(trustedSessionsDir(env())).toBeUndefined();
    if (dir !== runtime) return;
    // The hub launcher refuses it as well: no lock, no hub.log, no hub.
    expect(() => launchLocalHub({ ...env(), NATS_URL: 'nats://127.0.0.1:1' }, 'nats://127.0.0.1:1')).toThrow(
      UntrustedDirectory,
    );
  }

  it('made by Warp is 0700 with a 0600 socket that answers its owner and no other user', async () => {
    const lines = await startEndpoint();
    expect(lines.join('')).not.toMatch(/ (WARN|ERROR) /);
    expect(mode(runtime)).toBe(0o700);
    expect(mode(sessions())).toBe(0o700);
    expect(mode(socket())).toBe(0o600);
    expect(trustedSessionsDir(env())).toBe(sessions());
    expect(liveSessionRecords(sessions()).map((r) => r.socket)).toEqual([socket()]);
    await expect(ask(socket(), { ask: 'whoami' }, whoamiAnswer, 2_000)).resolves.toEqual({ handle: 'me' });
    if (ROOT) expect(await connectAs(NOBODY, socket())).toBe('EACCES');
  });

  it('owned by another user is refused', async () => {
    mkdirSync(runtime, { mode: 0o700 });
    chownSync(runtime, NOBODY, NOBODY);
    await expectRefused(runtime, /belongs to another user \(owner uid 65534, mode 0700; you are uid 0\)/);
    expect(readdirSync(runtime)).toEqual([]);
  });

  it.each(['0777', '0750'])('of mode %s is refused', async (loose) => {
    mkdirSync(runtime);
    chmodSync(runtime, parseInt(loose, 8));
    await expectRefused(runtime, new RegExp(`its mode lets others in \\(owner uid \\d+, mode ${loose};`));
    expect(readdirSync(runtime)).toEqual([]);
  });

  it('holding a sessions directory that others can enter is refused (each directory Warp uses is checked)', async () => {
    mkdirSync(sessions(), { recursive: true, mode: 0o700 });
    chmodSync(sessions(), 0o755);
    await expectRefused(sessions(), /mode 0755/);
    expect(mode(sessions())).toBe(0o755);
    expect(readdirSync(sessions())).toEqual([]);
  });

  it('with an ACL that lets another user in is refused', async () => {
    mkdirSync(runtime, { mode: 0o700 });
    // setfacl widens the mask to the entry: the mode's group bits show it (0770).
    execFileSync('setfacl', ['-m', `u:${NOBODY}:rwx`, runtime]);
    await expectRefused(runtime, /mode 0770;.*the mask of an ACL/);
  });

  it('with ACL entries that the mask empties, or a default ACL, is used: nothing Warp makes in it lets that user in', async () => {
    mkdirSync(runtime, { mode: 0o700 });
    execFileSync('setfacl', ['-n', '-m', `u:${NOBODY}:rwx`, runtime]);
    execFileSync('setfacl', ['-d', '-m', `u:${NOBODY}:rwx`, runtime]);
    const lines = await startEndpoint();
    expect(lines.join('')).not.toMatch(/ (WARN|ERROR) /);
    // The entries are inherited, and the mask that bounds them is empty.
    for (const path of [runtime, sessions(), socket()]) {
      const acl = execFileSync('getfacl', ['-cn', path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      expect(acl).toMatch(new RegExp(`^user:${NOBODY}:rwx\\s+#effective:---$`, 'm'));
      expect(acl).toMatch(/^mask::---$/m);
    }
    expect(mode(socket())).toBe(0o600);
    if (ROOT) expect(await connectAs(NOBODY, socket())).toBe('EACCES');
  });

  it('is believed by hooks only while private: records in a directory others can write are ignored', () => {
    mkdirSync(sessions(), { recursive: true, mode: 0o700 });
    const record = { pid: process.pid, host: 1, cwd: '/', socket: join(sessions(), 'planted.sock'), startedAt: 1 };
    writeFileSync(join(sessions(), `${process.pid}.json`), JSON.stringify(record));
    chmodSync(sessions(), 0o777);
    expect(liveSessionRecords(sessions())).toEqual([]);
    expect(trustedSessionsDir(env())).toBeUndefined();
    chmodSync(sessions(), 0o700);
    expect(liveSessionRecords(sessions())).toEqual([record]);
    expect(trustedSessionsDir(env())).toBe(sessions());
  });
});
