import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { id } from '../schemas.js';

export const discardDeadLetterItemTool = defineTool({
  name: 'discard_dead_letter_item',
  group: 'dlq',
  title: 'Discard dead letter',
  description: 'Remove a dead-lettered item for good (its history stays readable with get_work_item).',
  input: { itemId: id('work item id') },
  output: { itemId: z.string(), discarded: z.boolean() },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false },
  run: (app, args) => app.discardDeadLetterItem(args),
  render: (r) => `Discarded ${r.itemId}`,
});
