import type { ChannelState, FinishedWorkItem, WorkItemState } from '../domain/index.js';

/** One aggregate's state in a read model, at the revision it reflects. */
export interface KeptState<S> {
  readonly id: string;
  readonly revision: number;
  readonly state: S;
}

/**
 * A snapshot of one namespace's read models and, per aggregate kind, the event store position
 * it reflects: restoring it and replaying only the events after those gives the same models
 * as replaying everything. It holds nothing of the finished work older than the window: what the
 * retention purges is found in the event store (ADR 0041; a checkpoint of an older Warp also held a
 * purge schedule, which is left out when it is read).
 */
export interface Checkpoint {
  readonly after: { readonly channel: number; readonly work: number };
  readonly channels: ReadonlyArray<KeptState<Extract<ChannelState, { status: 'open' }>>>;
  readonly work: {
    readonly live: ReadonlyArray<KeptState<Exclude<WorkItemState, { status: 'absent' }>>>;
    /** The recently finished window, oldest first. */
    readonly recent: ReadonlyArray<KeptState<FinishedWorkItem>>;
  };
}

/** The newest checkpoint of each namespace (it may be several MB). Stored checkpoints are untrusted: one that does not decode loads as none. */
export interface CheckpointStore {
  load(namespace: string): Promise<Checkpoint | undefined>;
  /** Replaces the namespace's checkpoint. */
  save(namespace: string, checkpoint: Checkpoint): Promise<void>;
}
