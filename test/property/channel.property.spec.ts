import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  channelDecider,
  type ChannelCommand,
  type ChannelEvent,
  type ChannelState,
  type Retention,
} from '../../src/domain/index.js';
import { playAndCheck, timed, type Step, type Untimed } from './decider-laws.js';

const NAME = 'roadmap';
const LIMITS = { maxMessages: 1_000, maxBytes: 1_000_000, maxChannels: 256, maxReservedBytes: 0 };
const description = fc.constantFrom('Plans', 'Roadmap');
const retention: fc.Arbitrary<Retention> = fc.constantFrom<Retention>(
  {},
  { maxMessages: 100 },
  { maxMessages: 100, maxAgeMs: 60_000 },
  { maxBytes: 1_024 },
);

const command: fc.Arbitrary<Untimed<ChannelCommand>> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('CreateChannel' as const),
      name: fc.constant(NAME),
      description,
      retention,
      limits: fc.constant(LIMITS),
      openChannels: fc.constant(0),
      reserved: fc.constant({ project: 'team', bytes: {} }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('ConfigureChannel' as const),
      name: fc.constant(NAME),
      description,
      retention,
      limits: fc.constant(LIMITS),
      openChannels: fc.constant(0),
      reserved: fc.constant({ project: 'team', bytes: {} }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc
      .record({
        senderHandle: fc.constantFrom('dev', 'boss', '', undefined),
        body: fc.constantFrom('hello', '  ', '', 'a longer message body'),
        maxBytes: fc.constantFrom(5, 10, 100),
        replyTo: fc.option(fc.constant('m-1'), { nil: undefined }),
      })
      .map(({ senderHandle, body, maxBytes, replyTo }) => ({
        type: 'PostMessage' as const,
        channel: NAME,
        senderHandle,
        body,
        bodyBytes: Buffer.byteLength(body),
        maxBytes,
        ...(replyTo !== undefined ? { replyTo } : {}),
      })),
  },
);

const histories = fc
  .array(fc.record({ dt: fc.nat({ max: 1_000 }), command }), { maxLength: 30, size: 'max' })
  .map((steps) => timed<ChannelCommand>(steps, 1));

const sameSettings = (s: ChannelState, c: { description: string; retention: Retention }): boolean =>
  s.status === 'open' && s.description === c.description && JSON.stringify(s.retention) === JSON.stringify(c.retention);

function checkStep(s: Step<ChannelCommand, ChannelState, ChannelEvent>): void {
  const { before, command } = s;
  if (!s.accepted) {
    // Configuring always succeeds; creating only conflicts with different settings; posting needs an open channel and a valid message.
    expect(command.type).not.toBe('ConfigureChannel');
    if (command.type === 'CreateChannel') expect(before.status === 'open' && !sameSettings(before, command)).toBe(true);
    if (command.type === 'PostMessage') {
      const valid =
        before.status === 'open' &&
        !!command.senderHandle &&
        command.body.trim() !== '' &&
        command.bodyBytes <= command.maxBytes;
      expect(valid).toBe(false);
    }
    return;
  }
  const { events, after } = s;
  for (const e of events) expect(e).toMatchObject({ v: 1, at: command.now });
  expect(after.status).toBe(before.status === 'open' || command.type !== 'PostMessage' ? 'open' : 'absent');
  if (before.status === 'open' && after.status === 'open') {
    // Once open a channel stays open under its name, created when it was first created.
    expect(after.name).toBe(before.name);
    expect(after.createdAt).toBe(before.createdAt);
  }
  if (command.type === 'CreateChannel' && before.status === 'open') expect(events).toEqual([]);
  if (command.type === 'ConfigureChannel') expect(sameSettings(after, command)).toBe(true);
  if (command.type === 'PostMessage') {
    expect(events).toEqual([
      expect.objectContaining({ type: 'MessagePosted', body: command.body, senderHandle: command.senderHandle }),
    ]);
    expect(after).toEqual(before);
  }
}

describe('Channel properties', () => {
  it('after any history: rejections change nothing, replay is deterministic, channel rules hold', () => {
    fc.assert(
      fc.property(histories, (commands) => void playAndCheck(channelDecider, commands, checkStep)),
      { numRuns: 300 },
    );
  });
});
