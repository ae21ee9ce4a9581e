import { ValidationError, type JsonValue } from '../../domain/index.js';
import type { AppDeps } from '../shared/deps.js';
import { checkJsonSize, checkText, requireGuid } from '../shared/require.js';
import { checkWorkItemId, live, runWorkCommand } from './work-command.js';
import { workView, type WorkItemView } from './work-view.js';

export const MAX_RESULT_BYTES = 65_536;

export interface CompleteWorkInput {
  readonly workItemId: string;
  readonly result?: JsonValue;
  readonly summary?: string;
}

/** Ends the item; exactly one holder's completion is accepted, and repeating it is harmless. */
export async function completeWork(deps: AppDeps, input: CompleteWorkInput): Promise<{ workItem: WorkItemView; alreadyCompleted: boolean }> {
  const holder = requireGuid(deps.session, 'complete work');
  const id = checkWorkItemId(input.workItemId);
  if (input.result !== undefined) checkJsonSize('result', input.result, MAX_RESULT_BYTES);
  const summary = input.summary !== undefined ? checkText('summary', input.summary, 4096, { allowEmpty: true }) : undefined;
  const outcome = await runWorkCommand(deps, id, {
    type: 'CompleteWork', holder, now: deps.clock.now(),
    ...(input.result !== undefined ? { result: input.result } : {}),
    ...(summary !== undefined ? { summary } : {}),
  });
  return { workItem: workView(live(outcome.state, id)), alreadyCompleted: outcome.events.length === 0 };
}

export interface FailWorkInput {
  readonly workItemId: string;
  readonly error: string;
  readonly retryable?: boolean;
}

/** Gives the item back for another attempt, or dead-letters it when it must not or cannot be retried. */
export async function failWork(deps: AppDeps, input: FailWorkInput): Promise<{ workItem: WorkItemView }> {
  const holder = requireGuid(deps.session, 'fail work');
  const id = checkWorkItemId(input.workItemId);
  const error = checkText('error', input.error, 4096);
  const outcome = await runWorkCommand(deps, id, {
    type: 'FailWork', holder, error, retryable: input.retryable ?? true, dlqTtlMs: deps.settings.dlqTtlMs, now: deps.clock.now(),
  });
  return { workItem: workView(live(outcome.state, id)) };
}

export interface ReportWorkProgressInput {
  readonly workItemId: string;
  readonly progress: number;
  readonly message?: string;
}

/** Records progress and extends the lease by a full WORKQUEUE_ACK_TIMEOUT from now. */
export async function reportWorkProgress(deps: AppDeps, input: ReportWorkProgressInput): Promise<{ workItem: WorkItemView }> {
  const holder = requireGuid(deps.session, 'report progress');
  const id = checkWorkItemId(input.workItemId);
  if (typeof input.progress !== 'number' || !(input.progress >= 0 && input.progress <= 100)) {
    throw new ValidationError('progress', 'must be a number from 0 to 100');
  }
  const message = input.message !== undefined ? checkText('message', input.message, 4096, { allowEmpty: true }) : undefined;
  const outcome = await runWorkCommand(deps, id, {
    type: 'ReportProgress', holder, progress: input.progress, leaseMs: deps.settings.leaseMs, now: deps.clock.now(),
    ...(message !== undefined ? { message } : {}),
  });
  return { workItem: workView(live(outcome.state, id)) };
}
