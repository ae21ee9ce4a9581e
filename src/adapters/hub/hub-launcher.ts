import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackendUnavailable } from '../../ports/index.js';
import { ensurePrivateDir } from '../system/private-dir.js';
import { runtimeDir } from '../system/session-records.js';

/**
 * A launch whose hub process still runs is under way however long it takes (a loaded machine may
 * need more than 10 s to start node); one whose lock names no process yet is under way for this long.
 */
const LAUNCH_GRACE_MS = 10_000;

const BIN = fileURLToPath(new URL('../cli/bin.js', import.meta.url));
/** Set in the environment of a hub a session started: such a hub makes way when Warp is rebuilt or upgraded. */
export const EMBEDDED_HUB_ENV = 'WARP_HUB_EMBEDDED';

/**
 * Starts `warp hub` on this machine in the background, detached, with this session's environment,
 * unless a launch is under way (a lock file in the runtime directory, per NATS address). Its log goes
 * to `hub.log` there; a runtime directory that is not private to this user is refused (`UntrustedDirectory`).
 * The hub keeps running for the next sessions and exits when NATS is gone. Credentials in NATS_URL
 * (or NATS_USER, NATS_PASS) reach it through that environment, never its command line, which `ps` shows.
 */
export function launchLocalHub(env: NodeJS.ProcessEnv, server: string): void {
  const dir = runtimeDir(env);
  // Throws UntrustedDirectory: a lock or log in a directory others can write is theirs to fake or read.
  ensurePrivateDir(dir);
  const lock = launchLock(env, server);
  if (!takeLock(lock)) return;
  const log = openSync(join(dir, 'hub.log'), 'a', 0o600);
  try {
    const child = spawn(process.execPath, [BIN, 'hub'], {
      detached: true,
      stdio: ['ignore', 'ignore', log],
      env: { ...env, [EMBEDDED_HUB_ENV]: '1' },
    });
    child.unref();
    // The lock names the hub: it stays taken while that process lives, not for a fixed time.
    if (child.pid !== undefined) writeFileSync(lock, String(child.pid), { mode: 0o600 });
  } catch (error) {
    rmSync(lock, { force: true });
    throw error;
  } finally {
    closeSync(log);
  }
}

/** Where a launch under way for `server` is marked, so that sessions starting together start one hub. */
const launchLock = (env: NodeJS.ProcessEnv, server: string): string =>
  join(runtimeDir(env), `hub-${server.replace(/[^A-Za-z0-9]+/g, '_').slice(0, 100)}.lock`);

/** Said by a launched hub once it serves: the launch is over, and the next one (its successor's) need not wait. */
export function launchDone(env: NodeJS.ProcessEnv, server: string): void {
  try {
    rmSync(launchLock(env, server), { force: true });
  } catch {
    // Left in place, the lock expires after LAUNCH_GRACE_MS anyway.
  }
}

/** Whether the launch `path` marks is still under way: its hub process lives, or it is too young to name one. */
function launchUnderWay(path: string): boolean {
  const pid = Number(readFileSync(path, 'utf8').trim());
  if (Number.isSafeInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      // EPERM: a process of another user has that pid now; ours is gone.
      return false;
    }
  }
  return Date.now() - statSync(path).mtimeMs < LAUNCH_GRACE_MS;
}

function takeLock(path: string): boolean {
  try {
    closeSync(openSync(path, 'wx', 0o600));
    return true;
  } catch {
    try {
      if (launchUnderWay(path)) return false;
      rmSync(path, { force: true });
      closeSync(openSync(path, 'wx', 0o600));
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * What a session with credentials (NATS_CREDS) says when no hub answers: it starts none (an agent's
 * credential cannot serve as the hub, ADR 0022), so it says exactly how to run one, with the hub's
 * credential from the authority directory that issued `credsFile` when it can find it.
 */
export function noHubWithCredentials(server: string, credsFile: string, agent: boolean): BackendUnavailable {
  const run = (hubCreds: string): string => `\`NATS_URL=${server} NATS_CREDS=${hubCreds} warp hub\``;
  // `warp auth add-agent` writes DIR/agents/<project>/<handle>.creds; DIR holds hub.creds.
  const issuedIn = dirname(dirname(dirname(credsFile)));
  const hubCreds = join(issuedIn, 'hub.creds');
  const how = !agent
    ? `run ${run(credsFile)} (this NATS_CREDS is the hub's own credential)`
    : basename(dirname(dirname(credsFile))) === 'agents' && existsSync(hubCreds)
      ? `run ${run(hubCreds)} (the hub's credential that \`warp auth init --dir ${issuedIn}\` wrote)`
      : `run ${run('DIR/hub.creds')}, where DIR is the \`warp auth init --dir\` directory that issued ${credsFile} ` +
        "(hub.creds is the hub's credential there; an agent's credential cannot serve as the hub)";
  return new BackendUnavailable(
    `No Warp hub answers on NATS at ${server}, and with credentials (NATS_CREDS) no session starts one. ` +
      `Where it can keep running, ${how}; \`warp status\` with that NATS_CREDS lists the hubs that answer.`,
  );
}
