import type { FinishedWorkItem } from '../domain/index.js';

/** What is remembered of a work item once its history was purged after the retention. */
export interface WorkTombstone {
  readonly status: FinishedWorkItem['status'];
  readonly finishedAt: number;
  readonly purgedAt: number;
}

/**
 * Tombstones of purged work items, so a look-up can say what became of one instead of "not found".
 * Bounded: the store forgets a tombstone by itself some time after recording it (a few retentions).
 */
export interface TombstoneStore {
  record(namespace: string, id: string, tombstone: WorkTombstone): Promise<void>;
  get(namespace: string, id: string): Promise<WorkTombstone | undefined>;
}
