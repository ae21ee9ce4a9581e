import { createReadModels, type ReadModels } from '../../application/index.js';
import type { ChannelEvent, WorkItemEvent } from '../../domain/index.js';
import type { EventStore, Quarantine } from '../../ports/index.js';

/** One namespace's read models, kept current by event subscriptions until closed. */
export interface NamespaceModels {
  readonly models: ReadModels;
  close(): Promise<void>;
}

/** Replays the namespace's channel and work events into fresh read models and follows new ones. */
export async function openNamespaceModels(
  events: EventStore,
  quarantine: Quarantine,
  namespace: string,
): Promise<NamespaceModels> {
  const models = createReadModels(quarantine);
  const channels = await events.subscribe<ChannelEvent>(namespace, 'channel', (b) => models.channels.apply(b));
  try {
    const work = await events.subscribe<WorkItemEvent>(namespace, 'work', (b) => models.work.apply(b));
    return { models, close: async () => void (await Promise.all([channels.close(), work.close()])) };
  } catch (error) {
    await channels.close();
    throw error;
  }
}
