import { z } from 'zod';
import { MAX_WORK_NOTE_BYTES } from '../../../domain/index.js';
import { defineTool, IDEMPOTENT_WRITE } from '../define-tool.js';
import { id, workItemOut } from '../schemas.js';

export const completeWorkTool = defineTool({
  name: 'complete_work',
  group: 'work',
  title: 'Complete work',
  description:
    'Finish a work item you hold, with an optional result (string or object) and summary. Repeating it is harmless; if your lease expired and another agent claimed the item, you are told so.',
  input: {
    workItemId: id('work item id'),
    result: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
    summary: z.string().max(MAX_WORK_NOTE_BYTES).optional(),
  },
  output: { workItem: workItemOut, alreadyCompleted: z.boolean() },
  annotations: IDEMPOTENT_WRITE,
  run: (app, args) => app.completeWork(args as Parameters<typeof app.completeWork>[0]),
  render: (r) => `${r.alreadyCompleted ? 'Already completed' : 'Completed'} ${r.workItem.workItemId}`,
});
