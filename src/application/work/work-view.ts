import type { AttemptRecord, JsonValue } from '../../domain/index.js';
import { iso } from '../shared/require.js';
import type { LiveItem } from './work-index.js';

export interface WorkItemView {
  readonly workItemId: string;
  readonly taskId: string;
  readonly description: string;
  readonly capability: string;
  readonly priority: number;
  readonly deadline?: string;
  readonly contextData?: { readonly [key: string]: JsonValue };
  readonly status: LiveItem['status'];
  readonly offeredBy: string;
  readonly offeredAt: string;
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly holder?: string;
  readonly leaseExpiresAt?: string;
  readonly progress?: number;
  readonly completedBy?: string;
  readonly result?: JsonValue;
  readonly summary?: string;
  readonly deadLetterReason?: string;
  readonly deadLetterExpiresAt?: string;
  readonly attemptHistory: ReadonlyArray<Omit<AttemptRecord, 'at' | 'requestId'> & { readonly at: string }>;
}

export function workView(s: LiveItem): WorkItemView {
  const { spec } = s;
  return {
    workItemId: spec.id,
    taskId: spec.taskId,
    description: spec.description,
    capability: spec.capability,
    priority: spec.priority,
    ...(spec.deadline !== undefined ? { deadline: iso(spec.deadline)! } : {}),
    ...(spec.contextData !== undefined ? { contextData: spec.contextData } : {}),
    status: s.status,
    offeredBy: spec.offeredBy,
    offeredAt: iso(s.offeredAt)!,
    attempts: s.attempts,
    maxAttempts: s.maxAttempts,
    ...(s.status === 'claimed'
      ? {
          holder: s.holder,
          leaseExpiresAt: iso(s.leaseUntil)!,
          ...(s.progress !== undefined ? { progress: s.progress } : {}),
        }
      : {}),
    ...(s.status === 'completed'
      ? {
          completedBy: s.completedBy,
          ...(s.result !== undefined ? { result: s.result } : {}),
          ...(s.summary !== undefined ? { summary: s.summary } : {}),
        }
      : {}),
    ...(s.status === 'dead-lettered' ? { deadLetterReason: s.reason, deadLetterExpiresAt: iso(s.expiresAt)! } : {}),
    // A failure's request id is for recognising its repeat (ADR 0042), not part of the item's story.
    attemptHistory: s.history.map((h) => ({ attempt: h.attempt, holder: h.holder, reason: h.reason, at: iso(h.at)! })),
  };
}
