import { NotAllowed, ValidationError } from '../shared/domain-error.js';
import { formatBytes } from '../shared/limits.js';

/** How much of a channel's history its log keeps; unset means the project's limit (or, for age, forever). */
export interface Retention {
  readonly maxMessages?: number;
  readonly maxBytes?: number;
  readonly maxAgeMs?: number;
}

/** What bounds a project's channels, so one agent cannot fill the disk. */
export interface ChannelLimits {
  /** Default and ceiling of a channel's `maxMessages` (WARP_CHANNEL_MAX_MESSAGES). */
  readonly maxMessages: number;
  /** Default and ceiling of a channel's `maxBytes` (WARP_CHANNEL_MAX_BYTES). */
  readonly maxBytes: number;
  /** Channels one project may have (WARP_MAX_CHANNELS). */
  readonly maxChannels: number;
  /**
   * Bytes one project's channels may reserve together, the sum of their `maxBytes`
   * (WARP_PROJECT_CHANNELS_MAX_BYTES); 0: no bound.
   */
  readonly maxReservedBytes: number;
}

/**
 * What a project's channel logs hold back of the server's storage now: each log's byte limit,
 * by channel, as the channel log reports what exists (a log no channel event names counts too).
 */
export interface ChannelReservations {
  readonly project: string;
  readonly bytes: Readonly<Record<string, number>>;
}

const CEILINGS = [
  ['maxMessages', 'WARP_CHANNEL_MAX_MESSAGES', 'messages'],
  ['maxBytes', 'WARP_CHANNEL_MAX_BYTES', 'bytes'],
] as const;

/**
 * Checks a channel's requested retention: whole positive numbers, none above the project's limits.
 *
 * @example checkRetention({ maxBytes: 2 ** 40 }, limits) // throws: "maxBytes: ... the limit is 1073741824 bytes (WARP_CHANNEL_MAX_BYTES) ..."
 */
export function checkRetention(retention: Retention, limits: ChannelLimits): Retention {
  for (const field of ['maxMessages', 'maxBytes', 'maxAgeMs'] as const) {
    const value = retention[field];
    if (value !== undefined && (!Number.isSafeInteger(value) || value <= 0))
      throw new ValidationError(field, 'must be a positive whole number');
  }
  for (const [field, variable, unit] of CEILINGS) {
    const value = retention[field];
    if (value !== undefined && value > limits[field])
      throw new ValidationError(
        field,
        `${value} is above the limit of ${limits[field]} ${unit} (${variable}); ask for less, or have ${variable} raised`,
      );
  }
  return retention;
}

/**
 * The bytes a channel's log reserves of the project's storage: its own maxBytes, else the project's.
 *
 * @example reservedBytes({}, limits) // limits.maxBytes
 */
export const reservedBytes = (retention: Retention, limits: ChannelLimits): number =>
  retention.maxBytes ?? limits.maxBytes;

/** The retention a channel gets: what it asked for, the project's limits where it asked for nothing. */
export const effectiveRetention = (retention: Retention, limits: ChannelLimits): Retention => ({
  ...retention,
  maxMessages: retention.maxMessages ?? limits.maxMessages,
  maxBytes: reservedBytes(retention, limits),
});

/** Refuses `adding` new channels to a project that has `openChannels` when that passes WARP_MAX_CHANNELS. */
export function checkRoomForChannels(openChannels: number, adding: number, limits: ChannelLimits): void {
  if (adding > 0 && openChannels + adding > limits.maxChannels)
    throw new ChannelLimitReached(limits.maxChannels, openChannels, adding);
}

export class ChannelLimitReached extends NotAllowed {
  constructor(
    readonly maxChannels: number,
    readonly openChannels: number,
    readonly adding: number,
  ) {
    super(
      `This project has ${openChannels} channels and the limit is ${maxChannels} (WARP_MAX_CHANNELS), ` +
        `so ${adding === 1 ? 'no new channel fits' : `${adding} new channels do not fit`}; ` +
        'post in an existing channel (list_channels), or have WARP_MAX_CHANNELS raised.',
    );
  }
}

const total = (bytes: Readonly<Record<string, number>>): number =>
  Object.values(bytes).reduce((sum, n) => sum + Math.max(0, n), 0);

/**
 * Refuses channel logs of `wanted` bytes (by channel) that would take what the project's channels
 * reserve together past WARP_PROJECT_CHANNELS_MAX_BYTES. What reserves no more than now always fits,
 * so a project over a lowered allowance keeps, and may shrink, the channels it has.
 *
 * @example
 *   checkReservations({ project: 'p', bytes: { roadmap: 600, errors: 300 } }, { ideas: 200 }, { ...limits, maxReservedBytes: 1000 })
 *   // throws ChannelReservationsFull: 900 reserved, 100 left
 */
export function checkReservations(
  reserved: ChannelReservations,
  wanted: Readonly<Record<string, number>>,
  limits: ChannelLimits,
): void {
  const before = total(reserved.bytes);
  const after = total({ ...reserved.bytes, ...wanted });
  if (limits.maxReservedBytes > 0 && after > before && after > limits.maxReservedBytes)
    throw new ChannelReservationsFull(reserved, wanted, limits.maxReservedBytes);
}

export class ChannelReservationsFull extends NotAllowed {
  constructor(
    readonly reserved: ChannelReservations,
    readonly wanted: Readonly<Record<string, number>>,
    readonly maxReservedBytes: number,
  ) {
    const names = Object.keys(wanted);
    const others = total(
      Object.fromEntries(Object.entries(reserved.bytes).filter(([name]) => !Object.hasOwn(wanted, name))),
    );
    const left = maxReservedBytes - others;
    const [asked, instead] =
      names.length === 1
        ? [
            `channel "${names[0]}" (maxBytes ${formatBytes(total(wanted))})`,
            `post in an existing channel (list_channels)${left > 0 ? `, ask for maxBytes of at most ${left}` : ''}`,
          ]
        : [
            `the configured channels (${formatBytes(total(wanted))} together)`,
            'configure fewer channels or smaller maxBytes in .loom-config.json',
          ];
    super(
      `Project "${reserved.project}"'s channels reserve ${formatBytes(total(reserved.bytes))} of storage, and ` +
        `${asked} would take them past the project's allowance of ${formatBytes(maxReservedBytes)} ` +
        '(WARP_PROJECT_CHANNELS_MAX_BYTES), so nothing was created; other projects are not affected. ' +
        `Instead ${instead}, or have WARP_PROJECT_CHANNELS_MAX_BYTES raised.`,
    );
  }
}
