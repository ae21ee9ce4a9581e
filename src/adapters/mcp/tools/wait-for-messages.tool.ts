import { z } from 'zod';
import { defineTool, READ_ONLY } from '../define-tool.js';
import { name } from '../schemas.js';

export const waitForMessagesTool = defineTool({
  name: 'wait_for_messages',
  profile: 'channels',
  title: 'Wait for messages',
  description:
    'Block until something new arrives for you — a message in the chosen channels (default: all), a direct message, or a work offer you are qualified for — or until timeoutMs (default 20000, max 60000). Returns what arrived without marking it read; then use read_messages / read_direct_messages / claim_work.',
  input: {
    channels: z.array(name('channel')).max(100).optional(),
    includeDirect: z.boolean().optional(),
    includeWork: z.boolean().optional(),
    timeoutMs: z.number().int().min(0).max(60_000).optional(),
  },
  output: {
    arrivals: z.array(z.looseObject({ kind: z.string(), from: z.string(), preview: z.string() })),
    timedOut: z.boolean(),
    pending: z.looseObject({ inbox: z.number() }),
  },
  annotations: READ_ONLY,
  run: (app, args) => app.waitForMessages(args),
  render: (r) =>
    r.timedOut
      ? 'Nothing new.'
      : [
          ...r.arrivals.map((a) => `${a.kind}${a.channel ? ` #${a.channel}` : ''} from ${a.from}: ${a.preview}`),
          ...(r.pending.inbox ? [`${r.pending.inbox} unread direct messages`] : []),
          ...Object.entries(r.pending.channels).map(([c, n]) => `#${c}: ${n} unread`),
        ].join('\n'),
});
