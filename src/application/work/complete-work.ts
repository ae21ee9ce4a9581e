import { MAX_RESULT_BYTES, MAX_WORK_NOTE_BYTES, type JsonValue } from '../../domain/index.js';
import type { AppDeps } from '../shared/deps.js';
import { checkJsonSize, checkText, requireGuid } from '../shared/require.js';
import { checkWorkItemId, live, runWorkCommand } from './work-command.js';
import { workView, type WorkItemView } from './work-view.js';

export interface CompleteWorkInput {
  readonly workItemId: string;
  readonly result?: JsonValue;
  readonly summary?: string;
}

/** Ends the item; exactly one holder's completion is accepted, and repeating it is harmless. */
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
  });
  return { workItem: workView(live(outcome.state, id)), alreadyCompleted: outcome.events.length === 0 };
}
