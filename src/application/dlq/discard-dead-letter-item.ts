import type { AppDeps } from '../shared/deps.js';
import { checkWorkItemId, runWorkCommand } from '../work/work-command.js';

export async function discardDeadLetterItem(
  deps: AppDeps,
  input: { itemId: string },
): Promise<{ itemId: string; discarded: true }> {
  const id = checkWorkItemId(input.itemId, 'itemId');
  await runWorkCommand(deps, id, { type: 'DiscardDeadLetter', now: deps.clock.now() });
  return { itemId: id, discarded: true };
}
