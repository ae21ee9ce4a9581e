import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SubscribeRequestSchema, UnsubscribeRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { Update, WarpApi } from '../../../application/index.js';
import type { Subscription } from '../../../ports/index.js';

export const INBOX_URI = 'warp://inbox';
export const channelUri = (name: string): string => `warp://channels/${name}`;

const json = (uri: string, value: unknown) => ({
  contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(value) }],
});

/**
 * Channels and the inbox as subscribable resources, for clients without channel push.
 * Reading the inbox resource reports what waits without marking anything read.
 */
export function registerResources(server: McpServer, app: WarpApi): { start(): Promise<Subscription> } {
  const subscribed = new Set<string>();
  server.registerResource(
    'channel',
    new ResourceTemplate('warp://channels/{name}', {
      list: async () => ({
        resources: (await app.listChannels()).channels.map((c) => ({
          uri: channelUri(c.name),
          name: `#${c.name}`,
          description: c.description,
          mimeType: 'application/json',
        })),
      }),
    }),
    {
      title: 'Channel',
      description: 'The newest 50 messages of a channel, oldest first.',
      mimeType: 'application/json',
    },
    async (uri, { name }) => json(uri.href, await app.readMessages({ channel: String(name), limit: 50 })),
  );
  server.registerResource(
    'inbox',
    INBOX_URI,
    {
      title: 'Inbox',
      description: 'How many direct messages wait for this agent; read them with read_direct_messages.',
      mimeType: 'application/json',
    },
    async (uri) => json(uri.href, await app.inboxStatus()),
  );
  server.server.registerCapabilities({ resources: { subscribe: true, listChanged: true } });
  const uriOf = (update: Update): string => (update.kind === 'inbox' ? INBOX_URI : channelUri(update.channel));
  let watching: Promise<Subscription> | undefined;
  const start = (): Promise<Subscription> => {
    watching ??= app
      .watchUpdates((update) => {
        const uri = uriOf(update);
        if (subscribed.has(uri)) void server.server.sendResourceUpdated({ uri }).catch(() => undefined);
      })
      .catch((error: unknown) => {
        watching = undefined;
        throw error;
      });
    return watching;
  };
  // Answers only once updates flow, so a client may act on its subscription at once.
  server.server.setRequestHandler(SubscribeRequestSchema, async (request) => {
    subscribed.add(request.params.uri);
    await start();
    return {};
  });
  server.server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
    subscribed.delete(request.params.uri);
    return {};
  });
  return { start };
}
