import { z } from 'zod';
import { MAX_WORK_NOTE_BYTES, PROGRESS_PERCENT } from '../../../domain/index.js';
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
    progress: z.number().min(PROGRESS_PERCENT.min).max(PROGRESS_PERCENT.max),
    message: z.string().max(MAX_WORK_NOTE_BYTES).optional(),
  },
  output: { workItem: workItemOut },
  annotations: WRITE,
  run: (app, args) => app.reportWorkProgress(args),
  render: (r) => `${r.workItem.workItemId} at ${r.workItem.progress}% — lease until ${r.workItem.leaseExpiresAt}`,
});
