import { z } from 'zod';
import { defineTool, READ_ONLY } from '../define-tool.js';
import { channelOut } from '../schemas.js';

export const listChannelsTool = defineTool({
  name: 'list_channels',
  group: 'channels',
  title: 'List channels',
  description:
    "The project's channels with their description, message count, newest message id and (once registered) your unread count.",
  input: {},
  output: {
    channels: z.array(
      channelOut.extend({
        messageCount: z.number(),
        lastMessageId: z.string().nullable(),
        unread: z.number().optional(),
      }),
    ),
  },
  annotations: READ_ONLY,
  run: (app) => app.listChannels(),
  render: (r) =>
    r.channels
      .map(
        (c) =>
          `#${c.name} (${c.messageCount} messages${c.unread !== undefined ? `, ${c.unread} unread` : ''}) ${c.description}`,
      )
      .join('\n') || 'No channels.',
});
