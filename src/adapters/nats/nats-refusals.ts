import { JetStreamApiError } from '@nats-io/jetstream';
import { formatBytes } from '../../domain/index.js';
import { QuotaExceeded } from '../../ports/index.js';

/** nats-server's JetStream error codes for a write refused by a limit (server/errors.json). */
const STREAM_STORE_FAILED = 10077;
const ACCOUNT_RESOURCES_EXCEEDED = 10002;
const MAX_CONSUMERS = 10026;
const MAX_STREAMS = 10027;
const MEMORY_RESOURCES_EXCEEDED = 10028;
const STORAGE_RESOURCES_EXCEEDED = 10047;

/** What brings space back without anyone's help, for the texts below. */
const SPACE_RETURNS = 'Space comes back as finished work is purged (WARP_WORK_RETENTION)';

/** The limits shared by every project: what each means and who can raise it. */
const SHARED_LIMITS = new Map<number, string>([
  [
    ACCOUNT_RESOURCES_EXCEEDED,
    "storage quota: the Warp account's JetStream storage, shared by all projects, is full " +
      `(\`warp auth init --max-storage\`, no limit by default). Nothing was stored and nothing stored was lost. ` +
      `${SPACE_RETURNS}; to write now, ask the operator to raise the account's limit, or set WARP_PROJECT_MAX_BYTES so that no one project can fill it.`,
  ],
  [
    MAX_STREAMS,
    "stream quota: the Warp account may hold no more streams (`warp auth init --max-streams`); each project's channels " +
      'and each kind of its records is one. Nothing was stored; delete channels no longer used, or ask the operator to raise it.',
  ],
  [
    MAX_CONSUMERS,
    'consumer quota: the Warp account may open no more consumers (`warp auth init --max-consumers`); each open session ' +
      'reads through some. Close idle sessions, or ask the operator to raise it.',
  ],
  [
    STORAGE_RESOURCES_EXCEEDED,
    'storage quota: the storage the NATS account or server has left is too small (streams with a byte limit reserve it: ' +
      "each project's records under WARP_PROJECT_MAX_BYTES, each channel its maxBytes, a project's channels together " +
      "at most WARP_PROJECT_CHANNELS_MAX_BYTES; the account's is `warp auth init --max-storage`, the server's its " +
      'max_file_store); nothing was stored and nothing stored was lost. Delete channels no longer used, lower those ' +
      'limits (on the hub), or ask the operator to raise the account or server storage.',
  ],
  [
    MEMORY_RESOURCES_EXCEEDED,
    "memory quota: the NATS server's JetStream memory is full (its max_memory_store); ask the operator to raise it.",
  ],
]);

/** A limit refused the write; JetStream says 503 for some of these, but no retry can succeed. */
export function isRefusal(error: unknown): boolean {
  return (
    error instanceof JetStreamApiError && (error.code === STREAM_STORE_FAILED || SHARED_LIMITS.has(error.code ?? 0))
  );
}

/** A limit shared by all projects refused the write: said as that limit, or undefined for any other error. */
export function sharedRefusal(error: unknown): QuotaExceeded | undefined {
  if (!(error instanceof JetStreamApiError)) return undefined;
  const text = SHARED_LIMITS.get(error.code ?? 0);
  return text === undefined ? undefined : new QuotaExceeded(text);
}

/** Where a project's storage quota applies: its records of one kind, capped at `maxBytes` (WARP_PROJECT_MAX_BYTES). */
export interface ProjectQuota {
  readonly project: string;
  readonly kind: string;
  readonly maxBytes: number;
}

/** The project's own stream refused the write (it holds its quota): said as the project's quota. */
export function projectRefusal(error: unknown, quota: ProjectQuota): QuotaExceeded | undefined {
  if (!(error instanceof JetStreamApiError) || error.code !== STREAM_STORE_FAILED) return sharedRefusal(error);
  if (quota.maxBytes <= 0)
    // No quota of ours: the server failed to store it (its disk, say).
    return new QuotaExceeded(
      `storage: NATS could not store project "${quota.project}"'s ${quota.kind} records (NATS: ${error.message}); ` +
        "nothing was stored and nothing stored was lost. Ask the operator to check the NATS server's storage.",
    );
  return projectFull(quota, error.message);
}

/**
 * The project's stream has no room for the write, found by the server (`reason`, its words) or by
 * the writer before sending (the same limit: its maximum bytes would be exceeded).
 */
export function projectFull(quota: ProjectQuota, reason = 'maximum bytes exceeded'): QuotaExceeded {
  return new QuotaExceeded(
    `storage quota: project "${quota.project}" holds its quota of ${quota.kind} records, ` +
      `${formatBytes(quota.maxBytes)} (WARP_PROJECT_MAX_BYTES on the hub; NATS: ${reason}). Nothing was stored ` +
      `and nothing stored was lost; other projects are not affected. ${SPACE_RETURNS}; to write now, ask the operator ` +
      'to raise WARP_PROJECT_MAX_BYTES.',
  );
}
