import type { ChannelEvent, WorkItemEvent } from '../domain/index.js';
import type { CheckpointStore, EventStore, Quarantine, StoredBatch } from '../ports/index.js';
import { ChannelDirectory } from './channels/channel-directory.js';
import { WorkIndex } from './work/work-index.js';

/** One namespace's read models, shared by every request a long-running process serves for it. */
export interface NamespaceModels {
  readonly channels: ChannelDirectory;
  readonly work: WorkIndex;
  /** Saves the models and the store positions they reflect as the namespace's checkpoint. */
  checkpoint(): Promise<void>;
  close(): Promise<void>;
}

export interface ModelStores {
  readonly events: EventStore;
  readonly quarantine: Quarantine;
  readonly checkpoints: CheckpointStore;
}

/**
 * Restores a namespace's read models from its checkpoint (if any) and replays only the events
 * stored after it; resolves once caught up. A missing or unreadable checkpoint means a full replay.
 */
export async function openNamespaceModels(stores: ModelStores, namespace: string): Promise<NamespaceModels> {
  const channels = new ChannelDirectory(stores.quarantine);
  const work = new WorkIndex(stores.quarantine);
  const saved = await stores.checkpoints.load(namespace);
  if (saved) {
    channels.restore(saved.channels);
    work.restoreSaved(saved.work);
  }
  // What the subscriptions delivered so far: everything up to it is in the models.
  const after = { channel: saved?.after.channel ?? 0, work: saved?.after.work ?? 0 };
  const follow = <E>(kind: 'channel' | 'work', apply: (batch: StoredBatch<E>) => void) =>
    stores.events.subscribe<E>(
      namespace,
      kind,
      (batch) => {
        apply(batch);
        after[kind] = Math.max(after[kind], batch.revision);
      },
      { after: after[kind] },
    );
  const subscriptions = [
    await follow<ChannelEvent>('channel', (batch) => channels.apply(batch)),
    await follow<WorkItemEvent>('work', (batch) => work.apply(batch)),
  ];
  return {
    channels,
    work,
    async checkpoint() {
      const open = channels.kept().flatMap((k) => (k.state.status === 'open' ? [{ ...k, state: k.state }] : []));
      await stores.checkpoints.save(namespace, { after: { ...after }, channels: open, work: work.saved() });
    },
    async close() {
      await Promise.all(subscriptions.map((s) => s.close()));
    },
  };
}
