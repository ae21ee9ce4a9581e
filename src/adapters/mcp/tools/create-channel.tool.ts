import { z } from 'zod';
import { MAX_CHANNEL_DESCRIPTION_BYTES, ValidationError } from '../../../domain/index.js';
import { parseDuration } from '../../config/index.js';
import { defineTool, IDEMPOTENT_WRITE } from '../define-tool.js';
import { channelOut, name } from '../schemas.js';

function maxAgeMs(maxAge: string | number | undefined): number | undefined {
  if (maxAge === undefined) return undefined;
  if (typeof maxAge === 'number') return maxAge;
  try {
    return parseDuration(maxAge);
  } catch {
    throw new ValidationError('maxAge', 'must be a duration like "7d", "12h", "30m" or "45s", or a number of ms');
  }
}

export const createChannelTool = defineTool({
  name: 'create_channel',
  group: 'channels',
  title: 'Create channel',
  description:
    'Create a channel in this project at run time. Optional retention: maxMessages and maxBytes ' +
    '(default and ceiling WARP_CHANNEL_MAX_MESSAGES, WARP_CHANNEL_MAX_BYTES), maxAge like "7d". ' +
    'A project has at most WARP_MAX_CHANNELS channels. Creating an existing channel with the same settings is a no-op.',
  input: {
    name: name('name'),
    description: z.string().max(MAX_CHANNEL_DESCRIPTION_BYTES).optional(),
    maxMessages: z.number().int().positive().optional().describe('keep at most this many messages'),
    maxBytes: z.number().int().positive().optional().describe('keep at most this many bytes'),
    maxAge: z
      .union([z.string().max(32), z.number().int().positive()])
      .optional()
      .describe('e.g. "7d", "12h", or ms'),
  },
  output: { channel: channelOut, created: z.boolean() },
  annotations: IDEMPOTENT_WRITE,
  run: (app, { maxAge, ...args }) => {
    const ms = maxAgeMs(maxAge);
    return app.createChannel({ ...args, ...(ms !== undefined ? { maxAgeMs: ms } : {}) });
  },
  render: (r) => `${r.created ? 'Created' : 'Already exists:'} #${r.channel.name}`,
});
