import type { Decider } from '../shared/decider.js';
import { decideWorkItem, initialWorkItemState } from './work-item.decider.js';
import { evolveWorkItem } from './work-item.evolve.js';
import { rejectsWorkItemEvent } from './work-item.transitions.js';
import type { WorkItemCommand, WorkItemEvent, WorkItemState } from './work-item.types.js';

export const workItemDecider: Decider<WorkItemCommand, WorkItemState, WorkItemEvent> = {
  decide: decideWorkItem,
  evolve: evolveWorkItem,
  initialState: initialWorkItemState,
  rejects: rejectsWorkItemEvent,
};
