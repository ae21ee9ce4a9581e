import { z } from 'zod';
import { defineTool, WRITE } from '../define-tool.js';
import { capability, directOut, id, idempotencyKey, jsonObject } from '../schemas.js';

export const sendDirectMessageTool = defineTool({
  name: 'send_direct_message',
  group: 'direct',
  title: 'Send direct message',
  description:
    "Send a message to one agent's durable inbox by guid; it waits there if the agent is offline. Requires register_agent first so the recipient can answer.",
  input: {
    recipientGuid: id('recipient agent guid'),
    message: z.string().min(1, 'message must not be empty'),
    messageType: capability('messageType').optional().describe('default "text"'),
    metadata: jsonObject.optional(),
    idempotencyKey,
  },
  output: { message: directOut, recipientStatus: z.string() },
  annotations: WRITE,
  alwaysLoad: true,
  run: (app, args) => app.sendDirectMessage(args),
  render: (r) => `Sent ${r.message.id} to ${r.message.recipientGuid} (${r.recipientStatus})`,
});
