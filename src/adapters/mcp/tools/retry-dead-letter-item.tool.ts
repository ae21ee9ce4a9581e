import { z } from 'zod';
import { defineTool, WRITE } from '../define-tool.js';
import { id, workItemOut } from '../schemas.js';

export const retryDeadLetterItemTool = defineTool({
  name: 'retry_dead_letter_item',
  group: 'dlq',
  title: 'Retry dead letter',
  description:
    'Put a dead-lettered item back in its queue. Without resetAttempts it gets one more attempt; with it, the full WORKQUEUE_MAX_ATTEMPTS again.',
  input: { itemId: id('work item id'), resetAttempts: z.boolean().optional() },
  output: { workItem: workItemOut },
  annotations: WRITE,
  run: (app, args) => app.retryDeadLetterItem(args),
  render: (r) =>
    `${r.workItem.workItemId} is offered again (${r.workItem.attempts}/${r.workItem.maxAttempts} attempts used)`,
});
