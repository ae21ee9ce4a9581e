import { ValidationError } from './domain-error.js';

/**
 * The bounds Warp puts on what agents send, in one place: the use cases enforce them and the
 * MCP schemas read the same numbers for early errors. Limits set by configuration (message
 * bytes, channel retention) arrive on commands instead; see ChannelLimits.
 */

/** An accepted whole-number range and the value used when the caller gives none. */
export interface Range {
  readonly min: number;
  readonly max: number;
  readonly default: number;
}

// Agents
export const MAX_AGENT_TYPE_CHARS = 64;
export const MAX_CAPABILITIES = 64;

// Work items
export const MAX_TASK_ID_BYTES = 256;
export const PRIORITY: Range = { min: 1, max: 10, default: 5 };
export const PROGRESS_PERCENT = { min: 0, max: 100 } as const;
/** A failure's error, a completion's summary, a progress message. */
export const MAX_WORK_NOTE_BYTES = 4096;
export const MAX_CONTEXT_BYTES = 65_536;
export const MAX_RESULT_BYTES = 65_536;
export const CLAIM_TIMEOUT_MS: Range = { min: 100, max: 30_000, default: 5000 };
/** Finished (compacted) items the work index keeps for listings, newest first; older ones are read from the store. */
export const RECENT_FINISHED_WORK = 1000;
/** A purged item's tombstone is kept this many retentions (WARP_WORK_RETENTION) after the purge, then forgotten. */
export const TOMBSTONE_RETENTIONS = 4;
/** How often a long-running process sweeps leases, compacts finished aggregates and purges expired ones. */
export const MAINTENANCE_INTERVAL_MS = 60_000;
/** How often a long-running process saves a checkpoint of its read models (so a restart replays only the tail). */
export const CHECKPOINT_INTERVAL_MS = 300_000;

// Messages and channels
export const MAX_CHANNEL_DESCRIPTION_BYTES = 1024;
export const MAX_METADATA_BYTES = 16_384;
/** Deepest nesting of objects and arrays accepted in structured payloads (metadata, contextData, results). */
export const MAX_JSON_DEPTH = 64;
export const WAIT_TIMEOUT_MS: Range = { min: 0, max: 60_000, default: 20_000 };
export const MAX_WAIT_CHANNELS = 100;

// Path reservations
/** How long a reservation lasts unless renewed or released, in seconds. */
export const RESERVATION_TTL_S: Range = { min: 1, max: 86_400, default: 3_600 };
export const MAX_PATTERN_CHARS = 256;
export const MAX_RESERVATION_REASON_CHARS = 256;
/** Patterns one call may reserve or release. */
export const MAX_PATTERNS_PER_CALL = 32;
/** Reservations one project may hold at once (the book is stored whole when compacted). */
export const MAX_PROJECT_RESERVATIONS = 256;

const MIB = 1_048_576;
/**
 * A size the way an operator sets it, for messages that name a limit.
 *
 * @example [formatBytes(1_073_741_824), formatBytes(67_108_864), formatBytes(12_288)] // ['1 GiB', '64 MiB', '12 KiB']
 */
export const formatBytes = (bytes: number): string =>
  bytes >= 1024 * MIB && bytes % (1024 * MIB) === 0
    ? `${bytes / (1024 * MIB)} GiB`
    : bytes >= MIB
      ? `${Math.round((bytes / MIB) * 10) / 10} MiB`
      : `${Math.round((bytes / 1024) * 10) / 10} KiB`;

/** How many entries one page of each listing may ask for. */
export const PAGE = {
  messages: { min: 1, max: 1000, default: 50 },
  directMessages: { min: 1, max: 100, default: 10 },
  workItems: { min: 1, max: 500, default: 50 },
  deadLetters: { min: 1, max: 100, default: 20 },
} as const satisfies Record<string, Range>;

/** How a refusal names a range: its unit, a word after each end, a note after the whole. */
export interface RangeWording {
  /** "ms" words it "a whole number of ms from ...". */
  readonly unit?: string;
  /** ['(low)', '(high)'] words it "from 1 (low) to 10 (high)". */
  readonly ends?: readonly [string, string];
  /** Follows the range: "(24 h)", the setting it is. */
  readonly note?: string;
}

/**
 * `value` (or the range's default when absent), refused unless it is a whole number within `range`.
 * Pages, waits, priorities, reservation lifetimes and work policies are all held to their range by it.
 *
 * @example checkInRange('limit', 0, PAGE.messages) // throws "limit: must be a whole number from 1 to 1000"
 * @example checkInRange('timeout', 50, CLAIM_TIMEOUT_MS, { unit: 'ms' }) // throws "timeout: must be a whole number of ms from 100 to 30000"
 */
export function checkInRange(
  field: string,
  value: number | undefined,
  range: Range,
  wording: RangeWording = {},
): number {
  const n = value ?? range.default;
  if (!Number.isInteger(n) || n < range.min || n > range.max) {
    const [low, high] = wording.ends ? wording.ends.map((end) => ` ${end}`) : ['', ''];
    throw new ValidationError(
      field,
      `must be a whole number${wording.unit ? ` of ${wording.unit}` : ''} from ${range.min}${low} to ${range.max}${high}` +
        (wording.note ? ` ${wording.note}` : ''),
    );
  }
  return n;
}
