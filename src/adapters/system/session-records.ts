import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ensurePrivateDir, privateDirProblem } from './private-dir.js';
import { hostProcess, isAlive } from './process-ancestry.js';

/**
 * A running Warp MCP server's note for the Claude Code hooks of the same session: which
 * process started it (the host) and where it answers digest requests.
 */
export interface SessionRecord {
  readonly pid: number;
  readonly host: number;
  readonly cwd: string;
  readonly socket: string;
  readonly startedAt: number;
}

const positive = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0;

/** Checked by hand: hooks read records on every prompt and must not pay for loading zod. */
function parseRecord(text: string): SessionRecord | undefined {
  const r = JSON.parse(text) as Partial<Record<keyof SessionRecord, unknown>> | null;
  if (!r || !positive(r.pid) || !positive(r.host) || typeof r.cwd !== 'string') return undefined;
  if (typeof r.socket !== 'string' || !r.socket || typeof r.startedAt !== 'number') return undefined;
  return { pid: r.pid, host: r.host, cwd: r.cwd, socket: r.socket, startedAt: r.startedAt };
}

/**
 * Per-user runtime directory (WARP_RUNTIME_DIR, else $XDG_RUNTIME_DIR/warp, else <tmpdir>/warp-<uid>).
 * A temp dir may be shared: the directory is used only once it is checked private (`ensurePrivateDir`).
 */
export function runtimeDir(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env['WARP_RUNTIME_DIR'] ??
    (env['XDG_RUNTIME_DIR'] ? join(env['XDG_RUNTIME_DIR'], 'warp') : join(tmpdir(), `warp-${safeUid()}`))
  );
}

export const sessionsDir = (env: NodeJS.ProcessEnv = process.env): string => join(runtimeDir(env), 'sessions');

/** The sessions directory, made (mode 0700) where missing; throws `UntrustedDirectory` unless it and the runtime directory are private. */
export function privateSessionsDir(env: NodeJS.ProcessEnv = process.env): string {
  // The runtime directory first: nothing is made inside one that is not ours.
  ensurePrivateDir(runtimeDir(env));
  const dir = sessionsDir(env);
  ensurePrivateDir(dir);
  return dir;
}

/** The sessions directory if it and the runtime directory are private to this user (nothing is made). */
export function trustedSessionsDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = sessionsDir(env);
  return privateDirProblem(runtimeDir(env)) || privateDirProblem(dir) ? undefined : dir;
}

function safeUid(): string {
  try {
    return String(userInfo().uid >= 0 ? userInfo().uid : userInfo().username);
  } catch {
    return 'user';
  }
}

/** Where this process listens: a socket in the runtime directory (a named pipe on Windows). */
export function socketPath(dir: string, pid: number = process.pid): string {
  return process.platform === 'win32' ? `\\\\.\\pipe\\warp-session-${pid}` : join(dir, `${pid}.sock`);
}

/**
 * Writes this process's record in `dir`, which must be private ({@link privateSessionsDir});
 * returns a function that removes it (also run on process exit).
 */
export function writeSessionRecord(dir: string, socket: string): () => void {
  const host = hostProcess();
  const record: SessionRecord = {
    pid: process.pid,
    host: host ?? 0,
    cwd: process.cwd(),
    socket,
    startedAt: Date.now(),
  };
  const file = join(dir, `${process.pid}.json`);
  writeFileSync(`${file}.tmp`, JSON.stringify(record), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
  const remove = (): void => {
    rmSync(file, { force: true });
    if (process.platform !== 'win32') rmSync(socket, { force: true });
    process.off('exit', remove);
  };
  process.on('exit', remove);
  return remove;
}

/** Records of live servers, newest first; records of dead processes are removed on the way. */
export function liveSessionRecords(dir: string): SessionRecord[] {
  let names: string[];
  try {
    // Only a directory of this user's alone is trusted to say where its sessions listen.
    if (privateDirProblem(dir)) return [];
    names = readdirSync(dir).filter((n) => /^\d+\.json$/.test(n));
  } catch {
    return [];
  }
  const records: SessionRecord[] = [];
  for (const name of names) {
    try {
      const parsed = parseRecord(readFileSync(join(dir, name), 'utf8'));
      if (!parsed) continue;
      if (isAlive(parsed.pid)) records.push(parsed);
      else {
        // Left by a server that was killed: nobody else removes it.
        rmSync(join(dir, name), { force: true });
        if (process.platform !== 'win32' && parsed.socket.startsWith(dir)) rmSync(parsed.socket, { force: true });
      }
    } catch {
      // A record being written or removed right now: skip it.
    }
  }
  return records.sort((a, b) => b.startedAt - a.startedAt);
}

/** The record of the server that the same host process (Claude Code) started, if any. */
export function recordOfMyHost(dir: string): SessionRecord | undefined {
  const host = hostProcess();
  if (!host) return undefined;
  return liveSessionRecords(dir).find((r) => r.host === host);
}
