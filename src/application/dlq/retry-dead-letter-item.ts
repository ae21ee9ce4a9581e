import type { AppDeps } from '../shared/deps.js';
import { checkWorkItemId, live, runWorkCommand } from '../work/work-command.js';
import { workView, type WorkItemView } from '../work/work-view.js';

/** Puts a dead letter back in its queue; without a reset it gets one more attempt. */
export async function retryDeadLetterItem(
  deps: AppDeps,
  input: { itemId: string; resetAttempts?: boolean },
): Promise<{ workItem: WorkItemView }> {
  const id = checkWorkItemId(input.itemId, 'itemId');
  const outcome = await runWorkCommand(deps, id, {
    type: 'RetryDeadLetter',
    resetAttempts: input.resetAttempts ?? false,
    now: deps.clock.now(),
  });
  return { workItem: workView(live(outcome.state, id)) };
}
