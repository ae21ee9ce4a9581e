import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  agentDecider,
  agentId,
  HandleTaken,
  type AgentCommand,
  type AgentEvent,
  type AgentProfile,
  type AgentState,
} from '../../src/domain/index.js';
import { checkCompaction, playAndCheck, timed, type Step, type Untimed } from './decider-laws.js';

const capabilities = fc.subarray(['typescript', 'rust', 'review']);

const profile: fc.Arbitrary<AgentProfile> = fc
  .record({ capabilities, visibility: fc.constantFrom('private', 'project-only', 'user-only', 'public' as const) })
  .map(({ capabilities: caps, visibility }) => ({
    guid: agentId('g-1'),
    handle: 'dev',
    agentType: 'developer',
    capabilities: caps,
    scope: 'project',
    visibility,
    namespace: 'proj',
    hostname: 'host-a',
    username: 'alice',
  }));

const STALE_AFTER = 500;
const holder = fc.constantFrom({ session: 's-1', pid: 1 }, { session: 's-2', pid: 2 });

const command: fc.Arbitrary<Untimed<AgentCommand>> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record(
      {
        type: fc.constant('RegisterAgent' as const),
        profile,
        holder,
        staleAfterMs: fc.constant(STALE_AFTER),
        sighting: fc.record({ pid: fc.constantFrom(1, 2), alive: fc.boolean() }),
      },
      { requiredKeys: ['type', 'profile', 'holder', 'staleAfterMs'] },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant('EndSession' as const), session: fc.constantFrom('s-1', 's-2') }),
  },
  {
    weight: 4,
    arbitrary: fc.record(
      {
        type: fc.constant('UpdatePresence' as const),
        status: fc.constantFrom('online', 'busy', 'offline' as const),
        currentTaskCount: fc.nat({ max: 5 }),
        capabilities,
      },
      { requiredKeys: ['type'] },
    ),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('DeregisterAgent' as const) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('CompactAgent' as const) }) },
);

const histories = fc
  .array(fc.record({ dt: fc.nat({ max: 1_000 }), command }), { maxLength: 40, size: 'max' })
  .map((steps) => timed<AgentCommand>(steps, 1_000));

function checkStep(s: Step<AgentCommand, AgentState, AgentEvent>): void {
  const { before, command } = s;
  if (!s.accepted) {
    if (command.type === 'RegisterAgent') {
      // Only another session that is live (fresh, and not seen dead) keeps an identity from a registration.
      if (before.status !== 'registered') throw new Error('a registration is refused only by a holder');
      expect(s.error).toBeInstanceOf(HandleTaken);
      expect(before.holder?.session ?? 'none').not.toBe(command.holder.session);
      expect(command.now - before.updatedAt).toBeLessThanOrEqual(STALE_AFTER);
      if (command.sighting && command.sighting.pid === before.holder?.pid) expect(command.sighting.alive).toBe(true);
      return;
    }
    // Otherwise only an agent that is not registered refuses, and only what needs a registration.
    expect(before.status).not.toBe('registered');
    return;
  }
  const { events, after } = s;
  if (command.type === 'CompactAgent') {
    // Any known agent is compacted, held or not; one never registered has nothing to compact.
    expect(events.length).toBe(before.status === 'unregistered' ? 0 : 1);
    checkCompaction(agentDecider, before, events, after);
    return;
  }
  if (command.type === 'EndSession') {
    // Ends only the session that holds the identity, and then nobody holds it.
    if (events.length === 0) {
      expect(before.status === 'registered' && before.holder?.session === command.session).toBe(false);
      return;
    }
    expect(after).toMatchObject({ status: 'registered', presence: 'offline', updatedAt: command.now });
    expect(after).not.toHaveProperty('holder');
    return;
  }
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ v: 1, at: command.now });
  if (after.status === 'unregistered') throw new Error('an accepted command always leaves a registration');
  expect(after.updatedAt).toBe(command.now);
  expect(after.registeredAt).toBeLessThanOrEqual(after.updatedAt);
  expect(after.status).toBe(command.type === 'DeregisterAgent' ? 'deregistered' : 'registered');
  if (after.status === 'deregistered') expect(after.presence).toBe('offline');
  if (command.type === 'RegisterAgent')
    expect(after).toMatchObject({ profile: command.profile, holder: command.holder, presence: 'online' });
  if (command.type === 'UpdatePresence') {
    if (before.status !== 'registered') throw new Error('only a registered agent updates its presence');
    expect(after.presence).toBe(command.status ?? before.presence);
    expect(after.currentTaskCount).toBe(command.currentTaskCount ?? before.currentTaskCount);
    expect(after.profile.capabilities).toEqual(command.capabilities ?? before.profile.capabilities);
    expect(after.registeredAt).toBe(before.registeredAt);
  }
}

describe('Agent properties', () => {
  it('after any history: rejections change nothing, replay is deterministic, registration rules hold', () => {
    fc.assert(
      fc.property(histories, (commands) => void playAndCheck(agentDecider, commands, checkStep)),
      { numRuns: 300 },
    );
  });
});
