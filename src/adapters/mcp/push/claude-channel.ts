import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Push, PushKind, WarpApi } from '../../../application/index.js';
import type { Subscription } from '../../../ports/index.js';

export const CHANNEL_NOTIFICATION = 'notifications/claude/channel';

/** Declares the Claude Code channel capability; must run before the server connects. */
export function declareClaudeChannel(server: McpServer): void {
  server.server.registerCapabilities({ experimental: { 'claude/channel': {} } });
}

/** Sends each push as a `notifications/claude/channel` with the text and flat string attributes. */
export function startClaudeChannel(
  server: McpServer,
  app: WarpApi,
  kinds: ReadonlySet<PushKind>,
): Promise<Subscription> {
  return app.startAgentFeed(kinds, (push: Push) => {
    void server.server
      .notification({ method: CHANNEL_NOTIFICATION, params: { content: push.content, meta: { ...push.meta } } })
      .catch(() => undefined);
  });
}
