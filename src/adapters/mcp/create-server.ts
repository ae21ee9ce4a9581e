import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { PushKind, WarpApp } from '../../application/index.js';
import type { Subscription } from '../../ports/index.js';
import type { ToolProfile } from './define-tool.js';
import { INSTRUCTIONS } from './instructions.js';
import { declareClaudeChannel, startClaudeChannel } from './push/claude-channel.js';
import { registerResources } from './push/resources.js';
import { toolsFor } from './tools/index.js';

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
export function createMcpServer(app: WarpApp, options: McpServerOptions): { server: McpServer; close(): Promise<void> } {
  const server = new McpServer({ name: 'warp', version: options.version }, { instructions: INSTRUCTIONS });
  for (const tool of toolsFor(options.profiles)) tool.register(server, app);
  const resources = registerResources(server, app);
  declareClaudeChannel(server);
  const live: Array<Promise<Subscription | undefined>> = [];
  const report = (error: unknown): undefined => {
    options.onError?.(error);
    return undefined;
  };
  server.server.oninitialized = () => {
    live.push(resources.start().catch(report));
    if (options.push.size > 0) live.push(startClaudeChannel(server, app, options.push).catch(report));
  };
  return {
    server,
    async close() {
      for (const sub of await Promise.all(live)) await sub?.close();
      await server.close();
    },
  };
}
