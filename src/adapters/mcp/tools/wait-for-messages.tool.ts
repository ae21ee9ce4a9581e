import { z } from 'zod';
import { MAX_WAIT_CHANNELS, WAIT_TIMEOUT_MS } from '../../../domain/index.js';
import { defineTool, READ_ONLY } from '../define-tool.js';
import { name } from '../schemas.js';

export const waitForMessagesTool = defineTool({
  name: 'wait_for_messages',
  group: 'wait',
  title: 'Wait for messages',
  description:
    'Block until something arrives after this call (or after `since`): a message in the channels (default all), a DM, or work you qualify for. Returns the arrivals with text (not marked read); old unread is only counted in `pending`. Pass `position` as `since` next time.',
  input: {
    channels: z.array(name('channel')).max(MAX_WAIT_CHANNELS).optional(),
    includeDirect: z.boolean().optional(),
    includeWork: z.boolean().optional(),
    timeoutMs: z
      .number()
      .int()
      .min(WAIT_TIMEOUT_MS.min)
      .max(WAIT_TIMEOUT_MS.max)
      .optional()
      .describe(`default ${WAIT_TIMEOUT_MS.default}`),
    since: z.string().max(8192).optional(),
  },
  output: {
    arrivals: z.array(z.looseObject({ kind: z.string(), from: z.string(), text: z.string() })),
    timedOut: z.boolean(),
    pending: z.looseObject({ inbox: z.number(), work: z.number() }),
    position: z.string(),
  },
  annotations: READ_ONLY,
  alwaysLoad: true,
  run: (app, args) => app.waitForMessages(args),
  render: (r) =>
    [
      ...(r.timedOut ? ['Nothing new.'] : []),
      ...r.arrivals.map((a) => `${a.kind}${a.channel ? ` #${a.channel}` : ''} from ${a.from}: ${a.text}`),
      ...(r.pending.inbox ? [`${r.pending.inbox} unread direct messages`] : []),
      ...Object.entries(r.pending.channels).map(([c, n]) => `#${c}: ${n} unread`),
      ...(r.pending.work ? [`${r.pending.work} work offers you can claim`] : []),
      `position: ${r.position}`,
    ].join('\n'),
});
