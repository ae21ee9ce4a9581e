import { z } from 'zod';
import { defineTool, WRITE } from '../define-tool.js';
import { id, workItemOut } from '../schemas.js';

export const reportWorkProgressTool = defineTool({
  name: 'report_work_progress',
  group: 'work',
  title: 'Report work progress',
  description:
    'Record progress (0-100) on a work item you hold; this also extends your lease by a full WORKQUEUE_ACK_TIMEOUT.',
  input: {
    workItemId: id('work item id'),
    progress: z.number().min(0).max(100),
    message: z.string().max(4096).optional(),
  },
  output: { workItem: workItemOut },
  annotations: WRITE,
  run: (app, args) => app.reportWorkProgress(args),
  render: (r) => `${r.workItem.workItemId} at ${r.workItem.progress}% — lease until ${r.workItem.leaseExpiresAt}`,
});
