import type { AppDeps } from '../shared/deps.js';
import { compactStream } from '../shared/compact.js';
import { workStream } from './work-command.js';

/** Compacts every finished item the index still holds whole; returns how many it compacted. */
export async function compactFinishedWork(deps: AppDeps): Promise<number> {
  const now = deps.clock.now();
  let compacted = 0;
  for (const known of deps.work.uncompacted(now)) {
    const id = known.state.spec.id;
    const stream = workStream(deps, id);
    const command = { type: 'CompactWork', now } as const;
    const outcome = await compactStream(deps, stream, deps.work.decider, command, known, deps.work.batchesOf(id));
    if (!outcome) continue;
    deps.work.apply({ stream, revision: outcome.revision, events: outcome.events }, outcome.state);
    compacted++;
  }
  return compacted;
}
