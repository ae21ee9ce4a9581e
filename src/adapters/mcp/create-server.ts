import { setTimeout as sleep } from 'node:timers/promises';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { PushKind, WarpApi } from '../../application/index.js';
import type { Subscription } from '../../ports/index.js';
import { INSTRUCTIONS } from './instructions.js';
import { declareClaudeChannel, startClaudeChannel } from './push/claude-channel.js';
import { registerResources } from './push/resources.js';
import { toolsFor, type ToolProfile } from './tools/profiles.js';

export interface McpServerOptions {
  readonly profiles: ReadonlySet<ToolProfile>;
  readonly push: ReadonlySet<PushKind>;
  readonly version: string;
  readonly onError?: (error: unknown) => void;
}

/**
 * The Warp MCP server over one session's app: the tools of the chosen profiles, the channel
 * and inbox resources, and (after the client has initialized) pushes into the session.
 */
export function createMcpServer(
  app: WarpApi,
  options: McpServerOptions,
): { server: McpServer; close(): Promise<void> } {
  const server = new McpServer({ name: 'warp', version: options.version }, { instructions: INSTRUCTIONS });
  for (const tool of toolsFor(options.profiles)) tool.register(server, app);
  const resources = registerResources(server, app);
  declareClaudeChannel(server);
  const live: Array<Promise<Subscription | undefined>> = [];
  const closing = new AbortController();
  const report = (error: unknown): void => options.onError?.(error);
  server.server.oninitialized = () => {
    live.push(resources.start().catch((error: unknown) => void report(error)));
    if (options.push.size > 0)
      live.push(keepStarting(() => startClaudeChannel(server, app, options.push), report, closing.signal));
  };
  return {
    server,
    async close() {
      closing.abort();
      for (const sub of await Promise.all(live)) await sub?.close();
      await server.close();
    },
  };
}

const FIRST_RETRY_MS = 500;
const LAST_RETRY_MS = 30_000;

/**
 * Starts a push feed; when that fails (the backend not up yet, say) it reports why and tries
 * again with backoff, so a session started before NATS still gets its pushes once NATS is up.
 */
async function keepStarting(
  start: () => Promise<Subscription>,
  report: (error: unknown) => void,
  closing: AbortSignal,
): Promise<Subscription | undefined> {
  for (let delay = FIRST_RETRY_MS; !closing.aborted; delay = Math.min(delay * 2, LAST_RETRY_MS)) {
    try {
      return await start();
    } catch (error) {
      report(error);
    }
    await sleep(delay, undefined, { signal: closing }).catch(() => undefined);
  }
  return undefined;
}
