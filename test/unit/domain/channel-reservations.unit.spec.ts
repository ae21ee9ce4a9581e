import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  channelDecider,
  ChannelReservationsFull,
  checkReservations,
  effectiveRetention,
  reservedBytes,
  type ChannelCommand,
  type ChannelEvent,
  type ChannelLimits,
  type DefineChannel,
} from '../../../src/domain/index.js';
import { spec } from '../../support/given-when-then.js';

const MIB = 1_048_576;
/** 64 MiB a channel by default, 256 MiB for all of a project's channels together. */
const limits: ChannelLimits = { maxMessages: 1_000, maxBytes: 64 * MIB, maxChannels: 100, maxReservedBytes: 256 * MIB };
/** The three default channels at the default size: 192 MiB of 256 reserved. */
const defaults = { roadmap: 64 * MIB, 'parallel-work': 64 * MIB, errors: 64 * MIB };

const define = (
  type: DefineChannel['type'],
  name: string,
  bytes: Readonly<Record<string, number>>,
  more: Partial<DefineChannel> = {},
): ChannelCommand =>
  ({
    type,
    name,
    description: '',
    retention: {},
    limits,
    openChannels: Object.keys(bytes).length,
    reserved: { project: 'team-a', bytes },
    now: 1,
    ...more,
  }) as ChannelCommand;
const createdEvent = (name: string, retention = {}): ChannelEvent => ({
  type: 'ChannelCreated',
  v: 1,
  name,
  description: '',
  retention,
  at: 1,
});

describe("a project's channels reserve at most WARP_PROJECT_CHANNELS_MAX_BYTES together", () => {
  for (const type of ['CreateChannel', 'ConfigureChannel'] as const) {
    it(`${type}: the channel that fits the allowance exactly is created`, () =>
      spec(channelDecider)
        .given([])
        .when(define(type, 'ideas', defaults))
        .then([createdEvent('ideas')]));

    it(`${type}: one more is refused, naming the project, its allowance, the setting and what fits`, () =>
      spec(channelDecider)
        .given([])
        .when(define(type, 'more', { ...defaults, ideas: 60 * MIB }))
        .thenThrows(
          ChannelReservationsFull,
          new RegExp(
            '^Project "team-a"\'s channels reserve 252 MiB of storage, and channel "more" \\(maxBytes 64 MiB\\) would ' +
              "take them past the project's allowance of 256 MiB \\(WARP_PROJECT_CHANNELS_MAX_BYTES\\), so nothing was " +
              'created; other projects are not affected\\. Instead post in an existing channel \\(list_channels\\), ' +
              `ask for maxBytes of at most ${4 * MIB}, or have WARP_PROJECT_CHANNELS_MAX_BYTES raised\\.$`,
          ),
        ));

    it(`${type}: a channel that asks for what is left fits where the default does not`, () =>
      spec(channelDecider)
        .given([])
        .when(define(type, 'more', { ...defaults, ideas: 60 * MIB }, { retention: { maxBytes: 4 * MIB } }))
        .then([createdEvent('more', { maxBytes: 4 * MIB })]));

    it(`${type}: a log that exists counts, whether or not a channel event names it`, () =>
      spec(channelDecider)
        .given([])
        .when(define(type, 'ideas', { ...defaults, 'left-over': 1 }))
        .thenThrows(ChannelReservationsFull, /reserve 192 MiB of storage/));

    it(`${type}: an open channel whose log is missing is refused a new one when it does not fit`, () =>
      spec(channelDecider)
        .given([createdEvent('ideas')])
        .when(define(type, 'ideas', { ...defaults, other: 64 * MIB }))
        .thenThrows(ChannelReservationsFull, /channel "ideas"/));

    it(`${type}: a channel that reserves no more than now is kept, even over a lowered allowance`, () =>
      spec(channelDecider)
        .given([createdEvent('ideas')])
        .when(define(type, 'ideas', { ...defaults, ideas: 64 * MIB }, { limits: { ...limits, maxReservedBytes: MIB } }))
        .then([]));

    it(`${type}: 0 is no bound`, () =>
      spec(channelDecider)
        .given([])
        .when(define(type, 'huge', { big: 2 ** 40 }, { limits: { ...limits, maxReservedBytes: 0 } }))
        .then([createdEvent('huge')]));
  }

  it('a channel named like a property every object has is counted as any other', () =>
    spec(channelDecider)
      .given([])
      .when(define('CreateChannel', 'more', { ...defaults, constructor: 60 * MIB }))
      .thenThrows(ChannelReservationsFull, new RegExp(`reserve 252 MiB .* at most ${4 * MIB},`)));

  it('ConfigureChannel: shrinking a channel of a project over its allowance is applied; growing it is refused', () => {
    const over = { ...defaults, ideas: 64 * MIB, more: 64 * MIB };
    spec(channelDecider)
      .given([createdEvent('ideas')])
      .when(define('ConfigureChannel', 'ideas', over, { retention: { maxBytes: MIB } }))
      .then([{ type: 'ChannelReconfigured', v: 1, description: '', retention: { maxBytes: MIB }, at: 1 }]);
    spec(channelDecider)
      .given([createdEvent('ideas', { maxBytes: MIB })])
      .when(define('ConfigureChannel', 'ideas', { ...over, ideas: MIB }, { retention: { maxBytes: 2 * MIB } }))
      .thenThrows(ChannelReservationsFull, /channel "ideas" \(maxBytes 2 MiB\)/);
  });

  it("a project file's channels are checked together, and the message says where to ask for less", () => {
    expect(() =>
      checkReservations({ project: 'team-a', bytes: {} }, { ...defaults, ideas: 64 * MIB, more: MIB }, limits),
    ).toThrow(
      /the configured channels \(257 MiB together\).*fewer channels or smaller maxBytes in \.loom-config\.json/,
    );
    expect(() =>
      checkReservations({ project: 'team-a', bytes: {} }, { ...defaults, ideas: 64 * MIB }, limits),
    ).not.toThrow();
  });

  it('accepted definitions never take a project past its allowance, nor further past it once over', () => {
    const channel = fc.constantFrom('a', 'b', 'c', 'd', 'e');
    const sum = (bytes: Readonly<Record<string, number>>): number => Object.values(bytes).reduce((s, n) => s + n, 0);
    fc.assert(
      fc.property(
        fc.dictionary(channel, fc.integer({ min: 0, max: 128 * MIB })),
        fc.dictionary(channel, fc.integer({ min: 0, max: 128 * MIB }), { minKeys: 1 }),
        (before, wanted) => {
          const after = { ...before, ...wanted };
          let accepted = true;
          try {
            checkReservations({ project: 'p', bytes: before }, wanted, limits);
          } catch (error) {
            expect(error).toBeInstanceOf(ChannelReservationsFull);
            accepted = false;
          }
          expect(accepted).toBe(sum(after) <= limits.maxReservedBytes || sum(after) <= sum(before));
        },
      ),
    );
  });
});

describe('reservedBytes', () => {
  it("given a channel that asks for maxBytes, its log reserves that; given none, the project's maxBytes", () => {
    expect(reservedBytes({ maxBytes: MIB }, limits)).toBe(MIB);
    expect(reservedBytes({ maxMessages: 10 }, limits)).toBe(64 * MIB);
  });

  it('is the maxBytes the channel gets', () => {
    for (const retention of [{}, { maxBytes: MIB }, { maxAgeMs: 1_000 }])
      expect(effectiveRetention(retention, limits).maxBytes).toBe(reservedBytes(retention, limits));
  });
});
