import { MAX_WORK_NOTE_BYTES, PROGRESS_PERCENT, ValidationError } from '../../domain/index.js';
import type { AppDeps } from '../shared/deps.js';
import { checkText, requireGuid } from '../shared/require.js';
import { checkWorkItemId, live, runWorkCommand } from './work-command.js';
import { workView, type WorkItemView } from './work-view.js';

export interface ReportWorkProgressInput {
  readonly workItemId: string;
  readonly progress: number;
  readonly message?: string;
}

/** Records progress and extends the lease by a full WORKQUEUE_ACK_TIMEOUT from now. */
export async function reportWorkProgress(
  deps: AppDeps,
  input: ReportWorkProgressInput,
): Promise<{ workItem: WorkItemView }> {
  const holder = requireGuid(deps.session, 'report progress');
  const id = checkWorkItemId(input.workItemId);
  if (
    typeof input.progress !== 'number' ||
    !(input.progress >= PROGRESS_PERCENT.min && input.progress <= PROGRESS_PERCENT.max)
  ) {
    throw new ValidationError('progress', `must be a number from ${PROGRESS_PERCENT.min} to ${PROGRESS_PERCENT.max}`);
  }
  const message =
    input.message !== undefined
      ? checkText('message', input.message, MAX_WORK_NOTE_BYTES, { allowEmpty: true })
      : undefined;
  const outcome = await runWorkCommand(deps, id, {
    type: 'ReportProgress',
    holder,
    progress: input.progress,
    leaseMs: deps.settings.leaseMs,
    now: deps.clock.now(),
    ...(message !== undefined ? { message } : {}),
  });
  return { workItem: workView(live(outcome.state, id)) };
}
