import { z } from 'zod';
import { MAX_TASK_ID_BYTES, PRIORITY, type JsonValue } from '../../../domain/index.js';
import { defineTool, IDEMPOTENT_WRITE } from '../define-tool.js';
import { capability, jsonObject, workItemOut } from '../schemas.js';

export const broadcastWorkOfferTool = defineTool({
  name: 'broadcast_work_offer',
  group: 'work',
  title: 'Offer work',
  description:
    'Queue a task for any agent with requiredCapability. Higher priority (1-10, default 5) is handed out first; past its deadline (ISO-8601) it is not handed out. Offering the same taskId again is stored once. Returns the work item id.',
  input: {
    taskId: z.string().min(1).max(MAX_TASK_ID_BYTES),
    description: z.string().min(1),
    requiredCapability: capability('requiredCapability'),
    priority: z.number().int().min(PRIORITY.min).max(PRIORITY.max).optional(),
    deadline: z.string().max(64).optional().describe('ISO-8601, e.g. 2026-12-01T17:00:00Z'),
    contextData: jsonObject.optional(),
  },
  output: { workItem: workItemOut, created: z.boolean() },
  annotations: IDEMPOTENT_WRITE,
  run: (app, { contextData, ...args }) =>
    app.broadcastWorkOffer({
      ...args,
      ...(contextData ? { contextData: contextData as Record<string, JsonValue> } : {}),
    }),
  render: (r) =>
    `${r.created ? 'Offered' : 'Already offered'} ${r.workItem.taskId} as ${r.workItem.workItemId} (${r.workItem.capability}, priority ${r.workItem.priority})`,
});
