import { createReadModels, type ReadModels } from '../../application/index.js';
import type { ChannelEvent, WorkItemEvent } from '../../domain/index.js';
import type { EventStore, Quarantine } from '../../ports/index.js';

/** One namespace's read models, kept current by event subscriptions until closed. */
export interface NamespaceModels {
  readonly models: ReadModels;
  /** Stored batches of the namespace the models have not applied yet. */
  lag(): Promise<number>;
  close(): Promise<void>;
}

/** Replays the namespace's channel and work events into fresh read models and follows new ones. */
export async function openNamespaceModels(
  events: EventStore,
  quarantine: Quarantine,
  namespace: string,
): Promise<NamespaceModels> {
  const models = createReadModels(quarantine);
  let applied = 0;
  const track = (revision: number): void => void (applied = Math.max(applied, revision));
  models.channels.observe((b) => track(b.revision));
  models.work.observe((b) => track(b.revision));
  const channels = await events.subscribe<ChannelEvent>(namespace, 'channel', (b) => models.channels.apply(b));
  try {
    const work = await events.subscribe<WorkItemEvent>(namespace, 'work', (b) => models.work.apply(b));
    return {
      models,
      lag: async () => Math.max(0, (await events.head(namespace)) - applied),
      close: async () => void (await Promise.all([channels.close(), work.close()])),
    };
  } catch (error) {
    await channels.close();
    throw error;
  }
}
