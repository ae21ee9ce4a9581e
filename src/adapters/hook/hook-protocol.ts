import { z } from 'zod';

/**
 * The one-line JSON exchange between `warp hook` and the MCP server of the same session,
 * over the socket named in the server's session record. Both sides validate what they read.
 */
export const hookRequest = z.discriminatedUnion('ask', [
  z.object({ ask: z.literal('whoami') }),
  z.object({ ask: z.literal('digest'), moment: z.enum(['session-start', 'prompt', 'stop']) }),
]);
export type HookRequest = z.infer<typeof hookRequest>;

const message = z.object({
  id: z.string(),
  from: z.string(),
  text: z.string(),
  channel: z.string().optional(),
  fromGuid: z.string().optional(),
});

export const whoamiAnswer = z.object({ handle: z.string().nullable(), guid: z.string().nullable() });

export const digestAnswer = z.object({
  agent: z.object({ handle: z.string(), guid: z.string() }).optional(),
  directMessages: z.array(message),
  mentions: z.array(message),
  offers: z.array(z.object({ workItemId: z.string(), capability: z.string(), priority: z.number(), text: z.string() })),
  online: z.array(z.object({ handle: z.string(), agentType: z.string() })),
  more: z.number(),
});
export type DigestAnswer = z.infer<typeof digestAnswer>;

/** Longest line either side reads: a digest is bounded well below it. */
export const MAX_LINE = 256 * 1024;
