import { chmodSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { NOTHING_SURFACED, type SurfacedData, type WarpApi } from '../../application/index.js';
import { ValidationError } from '../../domain/index.js';
import { resolveExisting } from '../config/project-root.js';
import type { Logger } from '../config/index.js';
import { UntrustedDirectory } from '../system/private-dir.js';
import { privateSessionsDir, sessionsDir, socketPath, writeSessionRecord } from '../system/session-records.js';
import { hookRequest, MAX_LINE, type HookRequest, type PathsAnswer } from './hook-protocol.js';

export interface HookEndpoint {
  close(): Promise<void>;
}

/**
 * Lets `warp hook` ask this MCP server what is new for its agent: the server is connected
 * and its read models are current, so a hook answers in milliseconds without touching NATS
 * itself. What was surfaced is remembered here, per agent, for the life of the session.
 */
export async function startHookEndpoint(app: WarpApi, logger: Logger, env = process.env): Promise<HookEndpoint> {
  const dir = sessionsDir(env);
  const socket = socketPath(dir);
  const surfaced = new Map<string, SurfacedData>();
  const answer = async (request: HookRequest): Promise<unknown> => {
    const me = await app.getMyHandle();
    if (request.ask === 'whoami') return { handle: me.handle, guid: me.guid };
    if (request.ask === 'paths') return blockers(app, me.guid ?? undefined, request.path);
    const answer = await app.agentDigest({
      surfaced: surfaced.get(me.guid ?? '') ?? NOTHING_SURFACED,
      moment: request.moment,
    });
    if (me.guid) surfaced.set(me.guid, answer.surfaced);
    return answer.digest;
  };
  const server = createServer((connection) => serve(connection, answer, logger));
  server.on('error', (error) => logger.warn('hook endpoint failed', { error: error.message }));
  let removeRecord = (): void => undefined;
  try {
    // Throws UntrustedDirectory before anything listens: a socket in a directory another user can
    // enter would hand them this agent's unread messages.
    privateSessionsDir(env);
    await listen(server, socket);
    removeRecord = writeSessionRecord(dir, socket);
  } catch (error) {
    if (error instanceof UntrustedDirectory)
      logger.error('Claude Code hooks are off for this session: the runtime directory is not private', {
        error: error.message,
      });
    else
      logger.warn('Claude Code hooks cannot reach this session', {
        error: error instanceof Error ? error.message : String(error),
      });
  }
  return {
    async close() {
      removeRecord();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The exclusive reservations of other agents that cover `path`: what keeps this session's agent
 * from editing it. A path outside the project is nobody's to reserve.
 */
async function blockers(app: WarpApi, me: string | undefined, path: string): Promise<PathsAnswer> {
  try {
    const { reservations } = await app.listReservations({ path: resolveExisting(path) });
    return { blocked: reservations.filter((r) => r.exclusive && r.holder.guid !== me) };
  } catch (error) {
    if (error instanceof ValidationError) return { blocked: [] };
    throw error;
  }
}

/** Listens on `socket` in a directory already checked private, so no one else can connect before the chmod. */
async function listen(server: Server, socket: string): Promise<void> {
  // A socket file left by a process that had this pid before is in the way.
  if (process.platform !== 'win32') rmSync(socket, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Bound with the umask's mode (or one a default ACL widens): only its owner has any use for it.
  if (process.platform !== 'win32') chmodSync(socket, 0o600);
  server.unref();
}

function serve(connection: Socket, answer: (r: HookRequest) => Promise<unknown>, logger: Logger): void {
  let buffer = '';
  connection.setEncoding('utf8');
  connection.setTimeout(5_000, () => connection.destroy());
  connection.on('error', () => connection.destroy());
  connection.on('data', (chunk: string) => {
    buffer += chunk;
    if (buffer.length > MAX_LINE) return void connection.destroy();
    const end = buffer.indexOf('\n');
    if (end < 0) return;
    connection.removeAllListeners('data');
    let request: HookRequest;
    try {
      request = hookRequest(JSON.parse(buffer.slice(0, end)));
    } catch {
      return void connection.end(`${JSON.stringify({ error: 'bad request' })}\n`);
    }
    answer(request).then(
      (result) => connection.end(`${JSON.stringify(result)}\n`),
      (error: unknown) => {
        logger.warn('hook request failed', { error: error instanceof Error ? error.message : String(error) });
        connection.end(`${JSON.stringify({ error: 'unavailable' })}\n`);
      },
    );
  });
}
