import { z } from 'zod';
import { defineTool } from '../define-tool.js';

export const deregisterAgentTool = defineTool({
  name: 'deregister_agent',
  group: 'identity',
  title: 'Deregister agent',
  description:
    'Remove this agent from discovery (it shows offline). Its inbox keeps messages; register_agent again to come back with the same guid.',
  input: {},
  output: { guid: z.string(), deregistered: z.boolean() },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false },
  run: (app) => app.deregisterAgent(),
  render: (r) => `Deregistered ${r.guid}`,
});
