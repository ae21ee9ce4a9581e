import { finishedAt, isFinished, type WorkItemEvent } from '../../domain/index.js';
import type { AppDeps } from '../shared/deps.js';
import { replayStored } from '../shared/replay-stored.js';
import { workStream } from './work-command.js';

/** Batches of the work stream looked at per page of the scan. */
const PAGE = 256;

/**
 * Where a retention purge has looked up to in the namespace's work history: every compaction
 * stored up to `after` is purged or belongs to an item that lived again (it is compacted anew).
 * Held by the upkeep loop; a fresh one (after a restart) goes through what is left of the history
 * from its start, which the purges themselves keep short.
 */
export interface PurgeScan {
  after: number;
}

/**
 * Purges the history of every compacted item that finished longer than the work retention ago,
 * leaving a tombstone so a look-up can say what became of it; returns how many it purged.
 * The tombstone goes first: an item is never gone without one. The items due are found in the
 * store, in the order they were compacted, so no process holds a schedule of every finished
 * item (ADR 0041).
 */
export async function purgeExpiredWork(deps: AppDeps, scan: PurgeScan = { after: 0 }): Promise<number> {
  const now = deps.clock.now();
  const cutoff = now - deps.settings.workRetentionMs;
  const { namespace } = deps.session;
  let purged = 0;
  for (;;) {
    const from = scan.after;
    const page = await deps.events.compactedBefore<WorkItemEvent>(namespace, 'work', cutoff, from, PAGE);
    for (const batch of page.batches) {
      const id = batch.stream.id;
      // It lived again (a dead letter offered anew): its next compaction is purged in its turn.
      const held = deps.work.get(id);
      if (held && held.revision > batch.revision) continue;
      const state = replayStored(deps.work.decider, deps.quarantine, batch.stream, batch.events, {
        sequence: batch.revision,
      });
      if (!isFinished(state, Number.POSITIVE_INFINITY)) continue;
      const finished = finishedAt(state);
      // Stored before the cutoff by the store's clock yet finished after it by this one's: looked at again next time.
      if (finished >= cutoff) return purged;
      // Another process (or this one, before a restart) may have purged it already: its tombstone stands.
      const known = await deps.tombstones.get(namespace, id);
      if (!known)
        await deps.tombstones.record(namespace, id, { status: state.status, finishedAt: finished, purgedAt: now });
      await deps.events.purge(workStream(deps, id));
      deps.work.forget(id);
      purged++;
      scan.after = batch.revision;
    }
    if (page.reached === from) return purged;
    scan.after = page.reached;
  }
}
