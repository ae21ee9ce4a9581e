import {
  createSessionDeps,
  openNamespaceModels,
  runMaintenance,
  Session,
  type BackendPorts,
  type ModelStores,
  type ReadModels,
  type Settings,
} from '../../application/index.js';
import type { Clock, IdGenerator, ProcessProbe } from '../../ports/index.js';

/** One namespace as a hub keeps it: its read models, kept current and bounded until closed. */
export interface HubNamespace {
  readonly models: ReadModels;
  /** Stored batches of the namespace the models have not applied yet. */
  lag(): Promise<number>;
  /** Stops its upkeep, saves a checkpoint for the next start and stops following the store. */
  close(): Promise<void>;
}

export interface HubNamespaceOptions {
  readonly backend: BackendPorts & ModelStores;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly processes: ProcessProbe;
  readonly settings: Settings;
  readonly hostname: string;
  readonly onError: (error: unknown) => void;
}

/**
 * Restores the namespace from its checkpoint and the tail after it, checkpoints at once (so a hub
 * killed before its first periodic checkpoint does not replay the tail again), and runs the upkeep
 * that keeps it bounded: lease sweeps, compaction, retention purges, periodic checkpoints.
 */
export async function openHubNamespace(options: HubNamespaceOptions, namespace: string): Promise<HubNamespace> {
  const { backend, onError } = options;
  const models = await openNamespaceModels(backend, namespace);
  // Caught up: what the store holds now is in the models (what comes next is counted as it is applied).
  const applied = {
    channel: await backend.events.head(namespace, 'channel'),
    work: await backend.events.head(namespace, 'work'),
  };
  models.channels.observe((b) => void (applied.channel = Math.max(applied.channel, b.revision)));
  models.work.observe((b) => void (applied.work = Math.max(applied.work, b.revision)));
  // The hub's own session in this namespace: upkeep decides as it, never as an agent.
  const session = new Session(namespace, options.hostname, 'hub', { session: options.ids.newId(), pid: process.pid });
  const deps = createSessionDeps(
    backend,
    options.clock,
    options.ids,
    session,
    options.settings,
    options.processes,
    models,
  );
  const stop = new AbortController();
  const upkeep = runMaintenance(deps, stop.signal, onError, models);
  void models.checkpoint().catch(onError);
  return {
    models,
    lag: async () =>
      Math.max(0, (await backend.events.head(namespace, 'channel')) - applied.channel) +
      Math.max(0, (await backend.events.head(namespace, 'work')) - applied.work),
    async close() {
      stop.abort();
      await upkeep;
      await models.checkpoint().catch(onError);
      await models.close();
    },
  };
}
