import type { Checkpoint, CheckpointStore } from '../../ports/index.js';

/** The newest checkpoint of each namespace, copied in and out like a stored one. */
export class MemoryCheckpointStore implements CheckpointStore {
  private readonly checkpoints = new Map<string, Checkpoint>();

  async load(namespace: string): Promise<Checkpoint | undefined> {
    const checkpoint = this.checkpoints.get(namespace);
    return checkpoint && structuredClone(checkpoint);
  }

  async save(namespace: string, checkpoint: Checkpoint): Promise<void> {
    this.checkpoints.set(namespace, structuredClone(checkpoint));
  }
}
