import { z } from 'zod';
import { MAX_CAPABILITIES } from '../../../domain/index.js';
import { defineTool, IDEMPOTENT_WRITE } from '../define-tool.js';
import { agentOut, capability } from '../schemas.js';

export const updatePresenceTool = defineTool({
  name: 'update_presence',
  group: 'registry',
  title: 'Update presence',
  description:
    'Change your status (online, busy, offline), current task count or capabilities. Heartbeats run on their own; you do not need to call this to stay online.',
  input: {
    status: z.enum(['online', 'busy', 'offline']).optional(),
    currentTaskCount: z.number().int().min(0).optional(),
    capabilities: z.array(capability('each capability')).max(MAX_CAPABILITIES).optional(),
  },
  output: { agent: agentOut },
  annotations: IDEMPOTENT_WRITE,
  run: (app, args) => app.updatePresence(args),
  render: (r) => `${r.agent.handle} is ${r.agent.status}`,
});
