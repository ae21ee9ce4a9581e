import { describe, expect, it } from 'vitest';
import {
  ChannelAlreadyExists,
  channelDecider,
  ChannelNotFound,
  Conflict,
  HandleRequired,
  ValidationError,
  ChannelLimitReached,
  effectiveRetention,
  initialChannelState,
  requireOpenChannel,
  type ChannelCommand,
  type ChannelLimits,
  type ChannelEvent,
} from '../../../src/domain/index.js';
import { fold, spec } from '../../support/given-when-then.js';

const limits: ChannelLimits = { maxMessages: 1_000, maxBytes: 1_000_000, maxChannels: 3, maxReservedBytes: 10_000_000 };
/** A project with room for more channels. */
const room = { limits, openChannels: 0, reserved: { project: 'team', bytes: {} } };
const retention = { maxMessages: 100, maxAgeMs: 86_400_000 };
const created: ChannelEvent = { type: 'ChannelCreated', v: 1, name: 'roadmap', description: 'Plans', retention, at: 1 };

const post = (overrides: Partial<Extract<ChannelCommand, { type: 'PostMessage' }>> = {}): ChannelCommand => ({
  type: 'PostMessage',
  channel: 'roadmap',
  senderHandle: 'dev',
  body: 'hello',
  bodyBytes: 5,
  maxBytes: 10,
  now: 5,
  ...overrides,
});

describe('Channel decider', () => {
  describe('CreateChannel', () => {
    it('creates an absent channel', () =>
      spec(channelDecider)
        .given([])
        .when({ type: 'CreateChannel', ...room, name: 'roadmap', description: 'Plans', retention, now: 1 })
        .then([created]));

    it('creating the same channel again with the same settings changes nothing', () =>
      spec(channelDecider)
        .given([created])
        .when({
          type: 'CreateChannel',
          ...room,
          name: 'roadmap',
          description: 'Plans',
          retention: { ...retention },
          now: 2,
        })
        .then([]));

    it('rejects creating an existing channel with another description', () =>
      spec(channelDecider)
        .given([created])
        .when({ type: 'CreateChannel', ...room, name: 'roadmap', description: 'Other', retention, now: 2 })
        .thenThrows(ChannelAlreadyExists, /roadmap/));

    it('rejects creating an existing channel with another retention', () =>
      spec(channelDecider)
        .given([created])
        .when({
          type: 'CreateChannel',
          ...room,
          name: 'roadmap',
          description: 'Plans',
          retention: { ...retention, maxBytes: 1024 },
          now: 2,
        })
        .thenThrows(Conflict));
  });

  describe('ConfigureChannel', () => {
    it('creates an absent channel', () =>
      spec(channelDecider)
        .given([])
        .when({ type: 'ConfigureChannel', ...room, name: 'roadmap', description: 'Plans', retention, now: 1 })
        .then([created]));

    it('configuring with the same settings changes nothing', () =>
      spec(channelDecider)
        .given([created])
        .when({ type: 'ConfigureChannel', ...room, name: 'roadmap', description: 'Plans', retention, now: 2 })
        .then([]));

    it('applies a changed retention', () =>
      spec(channelDecider)
        .given([created])
        .when({
          type: 'ConfigureChannel',
          ...room,
          name: 'roadmap',
          description: 'Plans',
          retention: { maxMessages: 5 },
          now: 2,
        })
        .then([{ type: 'ChannelReconfigured', v: 1, description: 'Plans', retention: { maxMessages: 5 }, at: 2 }]));

    it('applies a changed description', () =>
      spec(channelDecider)
        .given([created])
        .when({ type: 'ConfigureChannel', ...room, name: 'roadmap', description: 'Roadmap', retention, now: 2 })
        .then([{ type: 'ChannelReconfigured', v: 1, description: 'Roadmap', retention, at: 2 }]));
  });

  describe('limits (so one agent cannot fill the disk)', () => {
    const define = (type: 'CreateChannel' | 'ConfigureChannel', more: Partial<ChannelCommand> = {}): ChannelCommand =>
      ({ type, name: 'roadmap', description: 'Plans', retention, ...room, now: 1, ...more }) as ChannelCommand;

    for (const type of ['CreateChannel', 'ConfigureChannel'] as const) {
      it(`${type}: a new channel in a project at WARP_MAX_CHANNELS is refused, naming the limit`, () =>
        spec(channelDecider)
          .given([])
          .when(define(type, { openChannels: 3 }))
          .thenThrows(
            ChannelLimitReached,
            /has 3 channels and the limit is 3 \(WARP_MAX_CHANNELS\), so no new channel fits/,
          ));

      it(`${type}: the last channel under the limit is created`, () =>
        spec(channelDecider)
          .given([])
          .when(define(type, { openChannels: 2 }))
          .then([created]));

      it(`${type}: an existing channel is not a new one, whatever the count`, () =>
        spec(channelDecider)
          .given([created])
          .when(define(type, { openChannels: 3 }))
          .then([]));

      it(`${type}: retention above the limits is refused, naming the variable`, () => {
        spec(channelDecider)
          .given([])
          .when(define(type, { retention: { maxBytes: 1_000_001 } }))
          .thenThrows(
            ValidationError,
            /maxBytes: 1000001 is above the limit of 1000000 bytes \(WARP_CHANNEL_MAX_BYTES\)/,
          );
        spec(channelDecider)
          .given([created])
          .when(define(type, { retention: { maxMessages: 1_001 } }))
          .thenThrows(ValidationError, /WARP_CHANNEL_MAX_MESSAGES/);
      });

      it(`${type}: retention must be whole positive numbers`, () =>
        spec(channelDecider)
          .given([])
          .when(define(type, { retention: { maxAgeMs: 0 } }))
          .thenThrows(ValidationError, /maxAgeMs: must be a positive whole number/));
    }

    it('a channel keeps what it asked for and gets the limits where it asked for nothing', () => {
      expect(effectiveRetention({}, limits)).toEqual({ maxMessages: 1_000, maxBytes: 1_000_000 });
      expect(effectiveRetention({ maxMessages: 5, maxAgeMs: 60_000 }, limits)).toEqual({
        maxMessages: 5,
        maxBytes: 1_000_000,
        maxAgeMs: 60_000,
      });
    });
  });

  describe('PostMessage', () => {
    it('posts a message to an open channel', () =>
      spec(channelDecider)
        .given([created])
        .when(post())
        .then([{ type: 'MessagePosted', v: 1, channel: 'roadmap', senderHandle: 'dev', body: 'hello', at: 5 }]));

    it('keeps the sender guid and the message it replies to', () =>
      spec(channelDecider)
        .given([created])
        .when(post({ senderGuid: 'g-1', replyTo: 'm-0' }))
        .then([
          {
            type: 'MessagePosted',
            v: 1,
            channel: 'roadmap',
            senderHandle: 'dev',
            senderGuid: 'g-1',
            body: 'hello',
            replyTo: 'm-0',
            at: 5,
          },
        ]));

    it('accepts a message of exactly the byte limit', () =>
      spec(channelDecider)
        .given([created])
        .when(post({ bodyBytes: 10 }))
        .then([{ type: 'MessagePosted', v: 1, channel: 'roadmap', senderHandle: 'dev', body: 'hello', at: 5 }]));

    it('rejects posting to an absent channel', () =>
      spec(channelDecider)
        .given([])
        .when(post())
        .thenThrows(ChannelNotFound, /create_channel/));

    it('rejects a sender without a handle', () =>
      spec(channelDecider)
        .given([created])
        .when(post({ senderHandle: undefined }))
        .thenThrows(HandleRequired));

    it('rejects an empty handle', () =>
      spec(channelDecider)
        .given([created])
        .when(post({ senderHandle: '' }))
        .thenThrows(HandleRequired));

    it('rejects a blank message', () =>
      spec(channelDecider)
        .given([created])
        .when(post({ body: ' \n\t', bodyBytes: 3 }))
        .thenThrows(ValidationError, /must not be empty/));

    it('rejects a message over the byte limit', () =>
      spec(channelDecider)
        .given([created])
        .when(post({ bodyBytes: 11 }))
        .thenThrows(ValidationError, /11 bytes; the limit is 10/));
  });

  describe('evolve', () => {
    it('a created channel is open with its settings', () => {
      expect(fold(channelDecider, [created])).toEqual({
        status: 'open',
        name: 'roadmap',
        description: 'Plans',
        retention,
        createdAt: 1,
      });
    });

    it('a reconfiguration replaces description and retention but keeps name and creation time', () => {
      const state = fold(channelDecider, [
        created,
        { type: 'ChannelReconfigured', v: 1, description: 'New', retention: {}, at: 9 },
      ]);
      expect(state).toEqual({ status: 'open', name: 'roadmap', description: 'New', retention: {}, createdAt: 1 });
    });

    it('posted messages do not change the channel', () => {
      const state = fold(channelDecider, [
        created,
        { type: 'MessagePosted', v: 1, channel: 'roadmap', senderHandle: 'dev', body: 'x', at: 3 },
      ]);
      expect(state).toEqual(fold(channelDecider, [created]));
    });

    it('ignores a reconfiguration of an absent channel', () => {
      expect(
        fold(channelDecider, [{ type: 'ChannelReconfigured', v: 1, description: 'New', retention: {}, at: 9 }]),
      ).toEqual({ status: 'absent' });
    });
  });
});

describe('requireOpenChannel', () => {
  it('given an open channel, it is the one to post to or read from', () => {
    const open = fold(channelDecider, [created]);
    expect(requireOpenChannel('roadmap', open)).toBe(open);
  });

  it('given a channel never created or not known at all, it is not found, naming the channel', () => {
    for (const state of [initialChannelState(), undefined]) {
      expect(() => requireOpenChannel('ideas', state)).toThrow(ChannelNotFound);
      expect(() => requireOpenChannel('ideas', state)).toThrow('Channel "ideas" does not exist');
    }
  });
});
