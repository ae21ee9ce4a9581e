import { z } from 'zod';
import { PAGE } from '../../../domain/index.js';
import { defineTool, READ_ONLY } from '../define-tool.js';
import { capability, workItemOut } from '../schemas.js';

export const listDeadLetterItemsTool = defineTool({
  name: 'list_dead_letter_items',
  group: 'dlq',
  title: 'List dead letters',
  description:
    'Work that ran out of attempts, failed non-retryably or passed its deadline, newest first, with the reason of every attempt. Kept for WORKQUEUE_DLQ_TTL.',
  input: {
    capability: capability('capability').optional(),
    limit: z.number().int().min(PAGE.deadLetters.min).max(PAGE.deadLetters.max).optional(),
  },
  output: { items: z.array(workItemOut), total: z.number() },
  annotations: { ...READ_ONLY, idempotentHint: false },
  run: (app, args) => app.listDeadLetterItems(args),
  render: (r) =>
    r.items
      .map(
        (w) =>
          `${w.workItemId} ${w.taskId} (${w.deadLetterReason}): ${w.attemptHistory.map((h) => h.reason).join('; ')}`,
      )
      .join('\n') || 'The dead-letter queue is empty.',
});
