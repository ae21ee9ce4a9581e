import { CHECKPOINT_INTERVAL_MS, MAINTENANCE_INTERVAL_MS } from '../../domain/index.js';
import type { NamespaceModels } from '../namespace-models.js';
import type { AppDeps } from '../shared/deps.js';
import { compactFinishedWork } from './compact-finished-work.js';
import { purgeExpiredWork } from './purge-expired-work.js';
import { sweepExpiredLeases } from './sweep-leases.js';

/** One round of upkeep: expired leases recorded, finished items compacted, those past the retention purged. */
export async function maintain(deps: AppDeps): Promise<void> {
  await sweepExpiredLeases(deps);
  await compactFinishedWork(deps);
  await purgeExpiredWork(deps);
}

/**
 * Keeps a long-running process's state bounded: a round every `upkeepMs` (a minute) until
 * `signal` aborts, and a checkpoint of `models` (when given: the models `deps` reads) every
 * `checkpointMs` (five minutes). A failed round or checkpoint is reported and tried again on the next tick.
 */
export async function runMaintenance(
  deps: AppDeps,
  signal: AbortSignal,
  onError: (error: unknown) => void,
  models?: Pick<NamespaceModels, 'checkpoint'>,
): Promise<void> {
  let checkpointed = deps.clock.now();
  while (!signal.aborted) {
    await deps.clock.sleep(deps.settings.upkeepMs ?? MAINTENANCE_INTERVAL_MS, signal);
    if (signal.aborted) return;
    await maintain(deps).catch(onError);
    if (models && deps.clock.now() - checkpointed >= (deps.settings.checkpointMs ?? CHECKPOINT_INTERVAL_MS)) {
      await models.checkpoint().then(() => (checkpointed = deps.clock.now()), onError);
    }
  }
}
