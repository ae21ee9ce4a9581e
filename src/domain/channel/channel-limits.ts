import { NotAllowed, ValidationError } from '../shared/domain-error.js';

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

/** The retention a channel gets: what it asked for, the project's limits where it asked for nothing. */
export const effectiveRetention = (retention: Retention, limits: ChannelLimits): Retention => ({
  ...retention,
  maxMessages: retention.maxMessages ?? limits.maxMessages,
  maxBytes: retention.maxBytes ?? limits.maxBytes,
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
