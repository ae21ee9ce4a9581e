import { z } from 'zod';
import { CAPABILITY_PATTERN, MAX_PATTERN_CHARS, NAME_PATTERN } from '../../domain/index.js';

/** Input building blocks shared by the tools; the use cases validate again, these give early, precise errors. */
export const name = (what: string) =>
  z
    .string()
    .regex(NAME_PATTERN, `${what} must be 1-64 lowercase letters, digits or dashes, starting with a letter or digit`);
export const capability = (what: string) =>
  z
    .string()
    .regex(
      CAPABILITY_PATTERN,
      `${what} must be 1-64 lowercase letters, digits, "-" or "_" (no dots, spaces or wildcards)`,
    );
export const id = (what: string) => z.string().min(1).max(64).describe(what);
export const messageId = (what: string) =>
  z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/, 'must be a message id (digits) as returned by send_message or read_messages')
    .describe(what);
export const idempotencyKey = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,128}$/)
  .optional()
  .describe('a retry with the same key is stored once');
export const jsonObject = z.record(z.string(), z.unknown());

/** Output schemas: the fields agents rely on; extra fields pass through. */
export const messageOut = z.looseObject({
  id: z.string(),
  channel: z.string(),
  senderHandle: z.string(),
  timestamp: z.string(),
  body: z.string(),
});
export const directOut = z.looseObject({
  id: z.string(),
  senderGuid: z.string(),
  senderHandle: z.string(),
  messageType: z.string(),
  body: z.string(),
  timestamp: z.string(),
});
export const agentOut = z.looseObject({
  guid: z.string(),
  handle: z.string(),
  agentType: z.string(),
  capabilities: z.array(z.string()),
  status: z.string(),
  visibility: z.string(),
});
export const workItemOut = z.looseObject({
  workItemId: z.string(),
  taskId: z.string(),
  description: z.string(),
  capability: z.string(),
  priority: z.number(),
  status: z.string(),
  attempts: z.number(),
  maxAttempts: z.number(),
  attemptHistory: z.array(z.looseObject({ reason: z.string() })),
});
export const channelOut = z.looseObject({ name: z.string(), description: z.string() });
export const reservationOut = z.looseObject({
  pattern: z.string(),
  exclusive: z.boolean(),
  holder: z.looseObject({ handle: z.string(), guid: z.string() }),
  reason: z.string().optional(),
  expiresAt: z.string(),
});
/** A path or glob relative to the project root; the use case makes absolute ones inside the project relative. */
export const pathPattern = z.string().min(1).max(MAX_PATTERN_CHARS);
