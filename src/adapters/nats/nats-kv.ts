import { JetStreamApiError } from '@nats-io/jetstream';

const WRONG_LAST_SEQUENCE = 10071;

/** A compare-and-set lost to a concurrent writer (KV create on an existing key, or update on a stale revision). */
export const isCasConflict = (error: unknown): boolean =>
  (error instanceof JetStreamApiError && error.code === WRONG_LAST_SEQUENCE) ||
  (error instanceof Error && /wrong last sequence/i.test(error.message));
