import type { AppDeps } from '../shared/deps.js';
import { compactStream } from '../shared/compact.js';
import { workStream } from './work-command.js';

/** Compacts every finished item the index still holds whole; returns how many it compacted. */
export async function compactFinishedWork(deps: AppDeps): Promise<number> {
  const now = deps.clock.now();
  let compacted = 0;
  for (const known of deps.work.uncompacted(now)) {
    const stream = workStream(deps, known.state.spec.id);
    const outcome = await compactStream(deps, stream, deps.work.decider, { type: 'CompactWork', now }, known);
    if (!outcome) continue;
    deps.work.apply({ stream, revision: outcome.revision, events: outcome.events }, outcome.state);
    compacted++;
  }
  return compacted;
}
