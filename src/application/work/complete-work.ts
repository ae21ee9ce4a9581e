import {
  completedUnder,
  MAX_RESULT_BYTES,
  MAX_WORK_NOTE_BYTES,
  withRequestId,
  type JsonValue,
} from '../../domain/index.js';
import type { AppDeps } from '../shared/deps.js';
import { checkJsonSize, checkText, requireGuid } from '../shared/require.js';
import { checkWorkItemId, live, runWorkCommand } from './work-command.js';
import { workView, type WorkItemView } from './work-view.js';

export interface CompleteWorkInput {
  readonly workItemId: string;
  readonly result?: JsonValue;
  readonly summary?: string;
}

/**
 * Ends the item; exactly one holder's completion is accepted, and repeating it is harmless: a call
 * asked again with its request id gets its first answer, any other says the item was already completed.
 */
export async function completeWork(
  deps: AppDeps,
  input: CompleteWorkInput,
): Promise<{ workItem: WorkItemView; alreadyCompleted: boolean }> {
  const holder = requireGuid(deps.session, 'complete work');
  const id = checkWorkItemId(input.workItemId);
  if (input.result !== undefined) checkJsonSize('result', input.result, MAX_RESULT_BYTES);
  const summary =
    input.summary !== undefined
      ? checkText('summary', input.summary, MAX_WORK_NOTE_BYTES, { allowEmpty: true })
      : undefined;
  const outcome = await runWorkCommand(deps, id, {
    type: 'CompleteWork',
    holder,
    now: deps.clock.now(),
    ...(input.result !== undefined ? { result: input.result } : {}),
    ...(summary !== undefined ? { summary } : {}),
    ...withRequestId(deps.requestId),
  });
  // This call asked again (its first answer lost) answers as the first did: it completed the item.
  const repeated = completedUnder(outcome.state, holder, deps.requestId);
  return {
    workItem: workView(live(outcome.state, id)),
    alreadyCompleted: outcome.events.length === 0 && !repeated,
  };
}
