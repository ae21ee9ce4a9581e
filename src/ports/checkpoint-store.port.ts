import type { ChannelState, FinishedWorkItem, WorkItemState } from '../domain/index.js';

/** One aggregate's state in a read model, at the revision it reflects. */
export interface KeptState<S> {
  readonly id: string;
  readonly revision: number;
  readonly state: S;
}

/** A compacted work item awaiting its purge after the retention. */
export interface ScheduledPurge {
  readonly id: string;
  readonly status: FinishedWorkItem['status'];
  readonly finishedAt: number;
}

/**
 * A snapshot of one namespace's read models and, per aggregate kind, the event store position
 * it reflects: restoring it and replaying only the events after those gives the same models
 * as replaying everything.
 */
export interface Checkpoint {
  readonly after: { readonly channel: number; readonly work: number };
  readonly channels: ReadonlyArray<KeptState<Extract<ChannelState, { status: 'open' }>>>;
  readonly work: {
    readonly live: ReadonlyArray<KeptState<Exclude<WorkItemState, { status: 'absent' }>>>;
    /** The recently finished window, oldest first. */
    readonly recent: ReadonlyArray<KeptState<FinishedWorkItem>>;
    readonly purges: readonly ScheduledPurge[];
  };
}

/** The newest checkpoint of each namespace (it may be several MB). Stored checkpoints are untrusted: one that does not decode loads as none. */
export interface CheckpointStore {
  load(namespace: string): Promise<Checkpoint | undefined>;
  /** Replaces the namespace's checkpoint. */
  save(namespace: string, checkpoint: Checkpoint): Promise<void>;
}
