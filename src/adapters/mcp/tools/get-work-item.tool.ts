import { z } from 'zod';
import { defineTool, READ_ONLY } from '../define-tool.js';
import { id, workItemOut } from '../schemas.js';

export const getWorkItemTool = defineTool({
  name: 'get_work_item',
  group: 'work',
  title: 'Get work item',
  description: 'A work item as stored now — status, holder, attempts, lease expiry — with its full event history.',
  input: { workItemId: id('work item id') },
  output: { workItem: workItemOut, events: z.array(z.looseObject({ type: z.string(), at: z.string() })) },
  annotations: READ_ONLY,
  run: (app, args) => app.getWorkItem(args),
  render: (r) =>
    [
      `${r.workItem.workItemId} ${r.workItem.status} (${r.workItem.attempts}/${r.workItem.maxAttempts})`,
      ...r.events.map((e) => `  ${e.at} ${e.type}`),
    ].join('\n'),
});
