import { z } from 'zod';
import { defineTool, WRITE } from '../define-tool.js';
import { capability, workItemOut } from '../schemas.js';

export const claimWorkTool = defineTool({
  name: 'claim_work',
  group: 'work',
  title: 'Claim work',
  description:
    'Take the highest-priority item for a capability you registered with, waiting up to timeout ms (100-30000, default 5000). You then hold a lease (WORKQUEUE_ACK_TIMEOUT): finish with complete_work or fail_work, and call report_work_progress on long work to keep the lease, or the item goes to another agent.',
  input: { capability: capability('capability'), timeout: z.number().int().min(100).max(30_000).optional() },
  output: { claimed: z.boolean(), workItem: workItemOut.optional(), reason: z.string().optional() },
  annotations: WRITE,
  run: (app, args) => app.claimWork(args),
  render: (r) =>
    r.claimed
      ? `Claimed ${r.workItem.workItemId}: ${r.workItem.description} (attempt ${r.workItem.attempts}/${r.workItem.maxAttempts}, lease until ${r.workItem.leaseExpiresAt})`
      : r.reason,
});
