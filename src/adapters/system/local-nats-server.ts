import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export const DEFAULT_NATS_PORT = 4222;

/** True when something accepts TCP connections at host:port within `timeoutMs`. */
export function isListening(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const SYSTEM_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/local/bin'];

export function findNatsServer(
  env: NodeJS.ProcessEnv = process.env,
  extraDirs: readonly string[] = SYSTEM_DIRS,
): string | undefined {
  const dirs = [...(env['PATH'] ?? '').split(delimiter).filter(Boolean), ...extraDirs];
  return dirs.map((d) => join(d, 'nats-server')).find((p) => existsSync(p));
}

export function localDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env['XDG_DATA_HOME'] ?? join(homedir(), '.local', 'share'), 'warp', 'nats');
}

/** Written by the nats-server Warp starts, so `warp local-server stop` finds it. */
export const pidFile = (env: NodeJS.ProcessEnv = process.env): string => join(localDataDir(env), 'nats-server.pid');

/** The pid of the local nats-server Warp started, when it still runs. */
export function localNatsPid(env: NodeJS.ProcessEnv = process.env): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile(env), 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isSafeInteger(pid) || pid <= 1) return undefined;
  try {
    process.kill(pid, 0);
  } catch {
    return undefined;
  }
  // A stale file may name a pid the system gave to another program since.
  const cmdline = `/proc/${pid}/cmdline`;
  if (existsSync(cmdline) && !readFileSync(cmdline, 'utf8').includes('nats-server')) return undefined;
  return pid;
}

/** Stops the local nats-server Warp started (its data stays); false when none runs. */
export async function stopLocalNats(env: NodeJS.ProcessEnv = process.env, timeoutMs = 10_000): Promise<boolean> {
  const pid = localNatsPid(env);
  if (pid === undefined) return false;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  // Not our child: polling is the only way to see it gone.
  while (localNatsPid(env) === pid) {
    if (Date.now() > deadline)
      throw new Error(`nats-server (pid ${pid}) is still running ${timeoutMs / 1000} s after SIGTERM`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  rmSync(pidFile(env), { force: true });
  return true;
}

export class NoLocalNats extends Error {
  constructor(port: number) {
    super(
      `No NATS server at nats://localhost:${port} and no nats-server binary to start one. ` +
        'Install it (Debian/Ubuntu: apt-get install -y nats-server; macOS: brew install nats-server), ' +
        'point NATS_URL at a server, or run without NATS: WARP_BACKEND=memory.',
    );
    this.name = 'NoLocalNats';
  }
}

export interface LocalNatsOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly port?: number;
  /** Where to look for the binary besides PATH. */
  readonly searchDirs?: readonly string[];
  readonly log?: (message: string) => void;
}

export interface LocalNats {
  readonly url: string;
  /** The pid of the server this call started; undefined when one was already listening. */
  readonly startedPid: number | undefined;
}

/**
 * Starts a detached nats-server with JetStream on loopback, its data in a per-user directory,
 * so the next agent on this machine reuses it. Resolves once it accepts connections.
 */
export async function startLocalNats(options: LocalNatsOptions = {}): Promise<LocalNats> {
  const { env = process.env, port = DEFAULT_NATS_PORT, searchDirs = SYSTEM_DIRS, log = () => {} } = options;
  const url = `nats://127.0.0.1:${port}`;
  if (await isListening('127.0.0.1', port)) return { url, startedPid: undefined };
  const binary = findNatsServer(env, searchDirs);
  if (!binary) throw new NoLocalNats(port);
  const dataDir = localDataDir(env);
  mkdirSync(dataDir, { recursive: true });
  log(`starting a local nats-server (JetStream, data in ${dataDir}) on ${url}`);
  const child = spawn(binary, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dataDir, '-P', pidFile(env)], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
  // Polling is the only signal a detached server gives that it is ready.
  for (let i = 0; i < 50; i++) {
    if (await isListening('127.0.0.1', port, 200)) return { url, startedPid: child.pid };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `Started ${binary} but nothing listens on ${url} after 5 s; run it by hand to see why: ${binary} -js -sd ${dataDir}`,
  );
}
