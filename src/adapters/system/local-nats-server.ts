import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
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

export function findNatsServer(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = [...(env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/local/bin'];
  return dirs.map((d) => join(d, 'nats-server')).find((p) => p && existsSync(p));
}

export function localDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env['XDG_DATA_HOME'] ?? join(homedir(), '.local', 'share'), 'warp', 'nats');
}

export class NoLocalNats extends Error {
  constructor() {
    super(
      'No NATS server at nats://localhost:4222 and no nats-server binary to start one. ' +
        'Install it (Debian/Ubuntu: apt-get install -y nats-server; macOS: brew install nats-server), ' +
        'point NATS_URL at a server, or run without NATS: WARP_BACKEND=memory.',
    );
    this.name = 'NoLocalNats';
  }
}

/**
 * Starts a detached nats-server with JetStream on loopback, its data in a per-user directory,
 * so the next agent on this machine reuses it. Resolves once it accepts connections.
 */
export async function startLocalNats(env: NodeJS.ProcessEnv = process.env, log: (message: string) => void = () => {}): Promise<string> {
  const url = `nats://127.0.0.1:${DEFAULT_NATS_PORT}`;
  if (await isListening('127.0.0.1', DEFAULT_NATS_PORT)) return url;
  const binary = findNatsServer(env);
  if (!binary) throw new NoLocalNats();
  const dataDir = localDataDir(env);
  mkdirSync(dataDir, { recursive: true });
  log(`starting a local nats-server (JetStream, data in ${dataDir}) on ${url}`);
  const child = spawn(binary, ['-a', '127.0.0.1', '-p', String(DEFAULT_NATS_PORT), '-js', '-sd', dataDir], { detached: true, stdio: 'ignore' });
  child.unref();
  for (let i = 0; i < 50; i++) {
    if (await isListening('127.0.0.1', DEFAULT_NATS_PORT, 200)) return url;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Started ${binary} but nothing listens on ${url} after 5 s; run it by hand to see why: ${binary} -js -sd ${dataDir}`);
}
