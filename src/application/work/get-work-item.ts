import { workItemDecider, WorkItemPurged, type WorkItemEvent } from '../../domain/index.js';
import type { AppDeps } from '../shared/deps.js';
import { replayStored } from '../shared/replay-stored.js';

import { iso } from '../shared/require.js';
import { checkWorkItemId, live, workStream } from './work-command.js';
import { workView, type WorkItemView } from './work-view.js';

export type EventView = Omit<WorkItemEvent, 'at' | 'v'> & { readonly at: string };

/** The item as stored now (read from the event store, not the index) with its history; a purged one says so. */
export async function getWorkItem(
  deps: AppDeps,
  input: { workItemId: string },
): Promise<{ workItem: WorkItemView; events: EventView[] }> {
  const id = checkWorkItemId(input.workItemId);
  const stream = workStream(deps, id);
  const { events: stored, revision } = await deps.events.read<WorkItemEvent>(stream);
  if (revision === 0) {
    const tombstone = await deps.tombstones.get(deps.session.namespace, id);
    if (tombstone) throw new WorkItemPurged(id, tombstone.status, tombstone.finishedAt, tombstone.purgedAt);
  }
  const skipped = new Set<WorkItemEvent>();
  const state = live(replayStored(workItemDecider, deps.quarantine, stream, stored, { skipped }), id);
  // The history shown is the one the state was folded from.
  const events = stored.filter((e) => !skipped.has(e));
  return {
    workItem: workView(state),
    events: events.map(({ v: _v, at, ...rest }) => ({ ...rest, at: iso(at)! }) as EventView),
  };
}
