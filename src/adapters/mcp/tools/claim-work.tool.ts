import { z } from 'zod';
import { CLAIM_TIMEOUT_MS } from '../../../domain/index.js';
import { defineTool, WRITE } from '../define-tool.js';
import { capability, workItemOut } from '../schemas.js';

export const claimWorkTool = defineTool({
  name: 'claim_work',
  group: 'work',
  title: 'Claim work',
  description:
    'Take the highest-priority item for a capability you registered with, waiting up to timeout ms (default 5000). You hold a lease: end with complete_work or fail_work; on long work call report_work_progress to keep it, or the item goes to another agent.',
  input: {
    capability: capability('capability'),
    timeout: z.number().int().min(CLAIM_TIMEOUT_MS.min).max(CLAIM_TIMEOUT_MS.max).optional(),
  },
  output: { claimed: z.boolean(), workItem: workItemOut.optional(), reason: z.string().optional() },
  annotations: WRITE,
  run: (app, args) => app.claimWork(args),
  render: (r) =>
    r.claimed
      ? `Claimed ${r.workItem.workItemId}: ${r.workItem.description} (attempt ${r.workItem.attempts}/${r.workItem.maxAttempts}, lease until ${r.workItem.leaseExpiresAt})`
      : r.reason,
});
