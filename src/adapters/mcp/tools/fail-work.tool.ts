import { z } from 'zod';
import { MAX_WORK_NOTE_BYTES } from '../../../domain/index.js';
import { defineTool, WRITE } from '../define-tool.js';
import { id, workItemOut } from '../schemas.js';

export const failWorkTool = defineTool({
  name: 'fail_work',
  group: 'work',
  title: 'Fail work',
  description:
    'Give up a work item you hold, saying why. retryable (default true) puts it back for another attempt until WORKQUEUE_MAX_ATTEMPTS, then it is dead-lettered; retryable=false dead-letters it at once.',
  input: {
    workItemId: id('work item id'),
    error: z.string().min(1).max(MAX_WORK_NOTE_BYTES),
    retryable: z.boolean().optional(),
  },
  output: { workItem: workItemOut },
  annotations: WRITE,
  run: (app, args) => app.failWork(args),
  render: (r) =>
    `${r.workItem.workItemId} is now ${r.workItem.status}${r.workItem.deadLetterReason ? ` (${r.workItem.deadLetterReason})` : ''}`,
});
