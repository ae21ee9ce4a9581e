import { MAX_WORK_NOTE_BYTES, withRequestId } from '../../domain/index.js';
import type { AppDeps } from '../shared/deps.js';
import { checkText, requireGuid } from '../shared/require.js';
import { checkWorkItemId, live, runWorkCommand } from './work-command.js';
import { workView, type WorkItemView } from './work-view.js';

export interface FailWorkInput {
  readonly workItemId: string;
  readonly error: string;
  readonly retryable?: boolean;
}

/**
 * Gives the item back for another attempt, or dead-letters it when it must not or cannot be retried.
 * A call asked again with its request id is answered with the item as it is now, not refused (ADR 0042).
 */
export async function failWork(deps: AppDeps, input: FailWorkInput): Promise<{ workItem: WorkItemView }> {
  const holder = requireGuid(deps.session, 'fail work');
  const id = checkWorkItemId(input.workItemId);
  const error = checkText('error', input.error, MAX_WORK_NOTE_BYTES);
  const outcome = await runWorkCommand(deps, id, {
    type: 'FailWork',
    holder,
    error,
    retryable: input.retryable ?? true,
    dlqTtlMs: deps.settings.dlqTtlMs,
    now: deps.clock.now(),
    ...withRequestId(deps.requestId),
  });
  return { workItem: workView(live(outcome.state, id)) };
}
