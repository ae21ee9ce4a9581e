import { defineTool, WRITE } from '../define-tool.js';
import { idempotencyKey, messageId, messageOut, name } from '../schemas.js';
import { z } from 'zod';

export const sendMessageTool = defineTool({
  name: 'send_message',
  group: 'channels',
  title: 'Send channel message',
  description:
    'Post a message to a project channel (see list_channels). Mention an agent with @handle to notify it. Returns the stored message with its id (usable as replyTo or a read cursor).',
  input: {
    channel: name('channel'),
    message: z.string().min(1, 'message must not be empty'),
    replyTo: messageId('id of the message this answers').optional(),
    idempotencyKey,
  },
  output: { message: messageOut },
  annotations: WRITE,
  run: (app, args) => app.sendMessage(args),
  render: (r) => `Sent #${r.message.channel} [${r.message.id}]`,
});
