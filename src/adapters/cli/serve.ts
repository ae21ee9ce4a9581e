import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { startHookEndpoint } from '../hook/hook-endpoint.js';
import { createMcpServer } from '../mcp/create-server.js';
import type { Runtime } from '../../composition/runtime.js';
import { ConfigError, type WarpEnv, type Logger } from '../config/index.js';
import { EXIT } from './exit-codes.js';
import { lazyWarpApi } from './lazy-warp-api.js';
import { guardProcess } from './process-guard.js';
import { stdinLineFramer } from './stdin-line-framer.js';

/**
 * How long going offline may take on the way out. A session that cannot reach NATS then is
 * shown offline by its heartbeat going stale instead; an exit that hangs would keep it "online".
 */
const SHUTDOWN_GRACE_MS = 3_000;

/**
 * Runs the MCP stdio server until its transport ends — stdin closed, a request line over 10 MB,
 * stdout gone (EPIPE) — or SIGTERM/SIGINT/SIGHUP; then says offline and exits.
 */
export async function serve(
  env: WarpEnv,
  logger: Logger,
  open: () => Promise<Runtime>,
  version: string,
): Promise<void> {
  guardProcess(logger);
  const app = lazyWarpApi(open);
  const mcp = createMcpServer(app, {
    profiles: env.tools,
    push: env.push,
    version,
    onError: (error) =>
      logger.warn('push unavailable', { error: error instanceof Error ? error.message : String(error) }),
  });
  // Connect the backend eagerly so registration and heartbeats start, but never block the handshake on it.
  app.ensure().catch((error: unknown) =>
    logger.error(error instanceof ConfigError ? 'configuration error' : 'backend unavailable', {
      error: error instanceof Error ? error.message : String(error),
    }),
  );
  const hooks = await startHookEndpoint(app, logger);

  let stopping = false;
  const stop = async (reason: string, code: number = EXIT.ok): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { reason });
    const grace = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref());
    const shutdown = (async () => {
      await hooks.close().catch(() => undefined);
      await mcp.close().catch(() => undefined);
      await app.close().catch((error: unknown) => logger.warn('clean shutdown failed', { error: String(error) }));
    })();
    if ((await Promise.race([shutdown.then(() => true), grace.then(() => false)])) === false)
      logger.warn('shutdown took too long; exiting without a clean goodbye', { afterMs: SHUTDOWN_GRACE_MS });
    process.exit(code);
  };
  const input = process.stdin.pipe(stdinLineFramer());
  input.on('error', (error) => void stop(error.message, EXIT.failed));
  // The SDK closes its transport on a message it cannot hold, and leaves the process running.
  mcp.server.server.onclose = () => void stop('MCP transport closed', EXIT.failed);
  mcp.server.server.onerror = (error) => logger.warn('MCP transport error', { error: error.message });
  // Without a listener, EPIPE on stdout would crash the process before it says offline.
  process.stdout.on('error', (error) => void stop(`stdout failed (${error.message})`, EXIT.failed));
  process.stdin.on('end', () => void stop('stdin closed'));
  process.stdin.on('close', () => void stop('stdin closed'));
  process.stdin.on('error', (error) => void stop(`stdin failed (${error.message})`, EXIT.failed));
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => void stop(signal));

  await mcp.server.connect(new StdioServerTransport(input, process.stdout));
  logger.info('MCP server ready on stdio');
}
