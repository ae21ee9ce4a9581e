import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WarpApi } from '../../application/index.js';
import { DomainError } from '../../domain/index.js';
import { BackendUnavailable } from '../../ports/index.js';
import { ConfigError } from '../config/index.js';
import { snapshotBuilder } from './dashboard-snapshot.js';
import { findAction } from './operator-actions.js';
import { allowedHosts, checkAction, checkHost, readJson, Refused } from './request-guard.js';
import { SnapshotStream } from './snapshot-stream.js';
import { findAssetsDir, readAsset } from './static-assets.js';

export interface DashboardOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly assetsDir?: string;
  /** How often an open dashboard reads the state (presence changes with time, not only events). */
  readonly intervalMs?: number;
  readonly onError?: (error: unknown) => void;
}

export interface Dashboard {
  readonly url: string;
  close(): Promise<void>;
}

// Everything the page loads is its own: no inline script, no other origin, not framable.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
    "form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
} as const;

const STATUS_OF_CODE: Readonly<Record<string, number>> = { not_found: 404, conflict: 409, not_allowed: 403 };

function statusOf(error: unknown): number {
  if (error instanceof Refused) return error.status;
  if (error instanceof DomainError) return STATUS_OF_CODE[error.code] ?? 400;
  if (error instanceof BackendUnavailable || error instanceof ConfigError) return 503;
  return 500;
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(value));
}

/**
 * The live dashboard: static assets from the package's web/ folder, a JSON snapshot, a
 * server-sent event stream of snapshots, and the operator's actions, all over WarpApi.
 */
export async function startDashboard(app: WarpApi, options: DashboardOptions): Promise<Dashboard> {
  const assetsDir = options.assetsDir ?? findAssetsDir();
  const onError = options.onError ?? (() => undefined);
  const build = snapshotBuilder(app);
  const stream = new SnapshotStream(build, {
    intervalMs: options.intervalMs ?? 500,
    minGapMs: 150,
    keepAliveMs: 15_000,
    onError,
  });
  let allowed: ReadonlySet<string> = new Set();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    checkHost(req, allowed);
    const { pathname } = new URL(req.url ?? '/', 'http://dashboard');
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (pathname === '/api/events' && req.method === 'GET') return stream.add(res);
      if (pathname === '/api/snapshot') return sendJson(res, 200, await build());
      const asset = await readAsset(assetsDir, pathname);
      if (!asset) throw new Refused(404, `nothing at ${pathname.slice(0, 100)}`);
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': asset.type });
      res.end(req.method === 'HEAD' ? undefined : asset.body);
      return;
    }
    if (req.method !== 'POST') throw new Refused(405, `${req.method ?? 'this method'} is not supported`);
    const action = findAction(pathname);
    if (!action) throw new Refused(404, `no action at ${pathname.slice(0, 100)}`);
    checkAction(req);
    const result = await action(app, await readJson(req));
    // The operator sees the effect of an action at once, not at the next tick.
    stream.nudge();
    sendJson(res, 200, result);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const status = statusOf(error);
      if (status >= 500) onError(error);
      const message =
        status === 500 ? 'the dashboard failed; see its log' : error instanceof Error ? error.message : String(error);
      if (res.headersSent) res.end();
      else sendJson(res, status, { error: message });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  allowed = allowedHosts(options.host, port);
  // Channel notices and work events arrive before the next tick: they show as soon as they are stored.
  const updates = await app.watchUpdates(() => stream.nudge());
  const work = await app.watchWork(() => stream.nudge());
  const shown = options.host.includes(':') ? `[${options.host}]` : options.host;
  const urlHost = ['0.0.0.0', '::'].includes(options.host) ? '127.0.0.1' : shown;
  return {
    url: `http://${urlHost}:${port}/`,
    async close() {
      await work.close();
      await updates.close();
      stream.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
