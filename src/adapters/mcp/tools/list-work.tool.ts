import { z } from 'zod';
import { PAGE } from '../../../domain/index.js';
import { defineTool, READ_ONLY } from '../define-tool.js';
import { capability, workItemOut } from '../schemas.js';

export const listWorkTool = defineTool({
  name: 'list_work',
  group: 'work',
  title: 'List work',
  description:
    'Queue depth per capability and matching work items (newest first) with holders; filter by capability and status. `total` counts every match; a page holds at most 512 KiB of items.',
  input: {
    capability: capability('capability').optional(),
    status: z.enum(['offered', 'claimed', 'completed', 'dead-lettered', 'discarded']).optional(),
    limit: z.number().int().min(PAGE.workItems.min).max(PAGE.workItems.max).optional(),
  },
  output: {
    depth: z.record(z.string(), z.looseObject({ offered: z.number(), claimed: z.number() })),
    items: z.array(workItemOut),
    total: z.number(),
  },
  annotations: { ...READ_ONLY, idempotentHint: false },
  run: (app, args) => app.listWork(args),
  render: (r) =>
    [
      ...Object.entries(r.depth).map(
        ([c, d]) => `${c}: ${d.offered} offered, ${d.claimed} claimed, ${d.deadLettered} dead-lettered`,
      ),
      ...r.items.map((w) => `${w.workItemId} ${w.status} ${w.taskId}${w.holder ? ` held by ${w.holder}` : ''}`),
    ].join('\n') || 'No work.',
});
