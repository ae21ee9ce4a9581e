import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { startHookEndpoint } from '../hook/hook-endpoint.js';
import { createMcpServer } from '../mcp/create-server.js';
import type { Runtime } from '../../composition/runtime.js';
import type { WarpEnv, Logger } from '../config/index.js';
import { lazyRuntime } from './lazy-runtime.js';
import { guardProcess } from './process-guard.js';

/** Runs the MCP stdio server until stdin closes or SIGTERM/SIGINT; then says offline and exits. */
export async function serve(
  env: WarpEnv,
  logger: Logger,
  open: () => Promise<Runtime>,
  version: string,
): Promise<void> {
  guardProcess(logger);
  const runtime = lazyRuntime(open);
  const mcp = createMcpServer(runtime.app, {
    profiles: env.tools,
    push: env.push,
    version,
    onError: (error) =>
      logger.warn('push unavailable', { error: error instanceof Error ? error.message : String(error) }),
  });
  // Connect the backend eagerly so registration and heartbeats start, but never block the handshake on it.
  runtime
    .ensure()
    .catch((error: unknown) =>
      logger.error('backend unavailable', { error: error instanceof Error ? error.message : String(error) }),
    );
  await mcp.server.connect(new StdioServerTransport());
  const hooks = await startHookEndpoint(runtime.app, logger);
  logger.info('MCP server ready on stdio');

  let stopping = false;
  const stop = async (reason: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { reason });
    await hooks.close().catch(() => undefined);
    await mcp.close().catch(() => undefined);
    await runtime.close().catch((error: unknown) => logger.warn('clean shutdown failed', { error: String(error) }));
    process.exit(0);
  };
  process.stdin.on('end', () => void stop('stdin closed'));
  process.stdin.on('close', () => void stop('stdin closed'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
