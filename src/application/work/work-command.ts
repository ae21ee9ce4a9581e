import { checkId, NotFound, type WorkItemCommand, type WorkItemEvent, type WorkItemState } from '../../domain/index.js';
import type { AppDeps } from '../shared/deps.js';
import { executeOn, type Outcome } from '../shared/execute.js';
import type { LiveItem } from './work-index.js';

export const workStream = (deps: AppDeps, id: string) => ({
  namespace: deps.session.namespace,
  kind: 'work' as const,
  id,
});

/** Runs a WorkItem command through the work index (see `executeOn`). */
export const runWorkCommand = (
  deps: AppDeps,
  id: string,
  command: WorkItemCommand,
  mayDefer?: (events: readonly WorkItemEvent[]) => boolean,
): Promise<Outcome<WorkItemState, WorkItemEvent>> =>
  executeOn(deps, deps.work, workStream(deps, id), command, mayDefer);

export function live(state: WorkItemState, id: string): LiveItem {
  if (state.status === 'absent')
    throw new NotFound(`Work item ${id} was not found; list_work shows the items of this project.`);
  return state;
}

/** `field` names the parameter the caller passed (the DLQ tools call it itemId), so the error points at it. */
export const checkWorkItemId = (id: string, field = 'workItemId'): string => checkId(field, id);
