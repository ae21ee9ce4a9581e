import type { AppDeps } from '../shared/deps.js';
import { workStream } from './work-command.js';

/**
 * Purges the history of every compacted item that finished longer than the work retention ago,
 * leaving a tombstone so a look-up can say what became of it; returns how many it purged.
 * The tombstone goes first: an item is never gone without one.
 */
export async function purgeExpiredWork(deps: AppDeps): Promise<number> {
  const now = deps.clock.now();
  const due = deps.work.finishedBefore(now - deps.settings.workRetentionMs);
  for (const { id, status, finishedAt } of due) {
    // Another process (or this one, before a restart) may have purged it already: its tombstone stands.
    const known = await deps.tombstones.get(deps.session.namespace, id);
    if (!known) await deps.tombstones.record(deps.session.namespace, id, { status, finishedAt, purgedAt: now });
    await deps.events.purge(workStream(deps, id));
    deps.work.forget(id);
  }
  return due.length;
}
