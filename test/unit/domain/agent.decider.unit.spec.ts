import { describe, expect, it } from 'vitest';
import {
  agentDecider,
  agentId,
  AgentNotRegistered,
  HandleTaken,
  NotFound,
  type AgentCommand,
  type AgentEvent,
  type AgentHolder,
  type AgentProfile,
} from '../../../src/domain/index.js';
import { fold, spec } from '../../support/given-when-then.js';

const profile: AgentProfile = {
  guid: agentId('g-1'),
  handle: 'dev',
  agentType: 'developer',
  capabilities: ['typescript'],
  scope: 'project',
  visibility: 'project-only',
  namespace: 'proj',
  hostname: 'host-a',
  username: 'alice',
};

const first: AgentHolder = { session: 's-1', pid: 101 };
const second: AgentHolder = { session: 's-2', pid: 202 };
const STALE_AFTER = 90;
const registered: AgentEvent = { type: 'AgentRegistered', v: 1, profile, holder: first, at: 10 };
const deregistered: AgentEvent = { type: 'AgentDeregistered', v: 1, at: 30 };
const ended: AgentEvent = { type: 'AgentSessionEnded', v: 1, at: 30 };

/** `holder` registers at `now`, having seen nothing of the current holder's process unless told. */
const register = (
  holder: AgentHolder,
  now: number,
  facts: Partial<Extract<AgentCommand, { type: 'RegisterAgent' }>> = {},
): AgentCommand => ({ type: 'RegisterAgent', profile, holder, staleAfterMs: STALE_AFTER, now, ...facts });

describe('Agent decider', () => {
  describe('RegisterAgent', () => {
    it('registers an unknown agent', () => spec(agentDecider).given([]).when(register(first, 10)).then([registered]));

    it('registers again from the same session, with the new profile', () => {
      const again = { ...profile, capabilities: ['typescript', 'rust'] };
      spec(agentDecider)
        .given([registered])
        .when({ ...register(first, 20), profile: again } as AgentCommand)
        .then([{ type: 'AgentRegistered', v: 1, profile: again, holder: first, at: 20 }]);
    });

    it('registers again an agent that deregistered', () =>
      spec(agentDecider)
        .given([registered, deregistered])
        .when(register(second, 40))
        .then([{ type: 'AgentRegistered', v: 1, profile, holder: second, at: 40 }]));
  });

  describe('RegisterAgent by another session (who may take over a handle)', () => {
    it('is refused while the holder process runs on this host and its heartbeat is fresh', () =>
      spec(agentDecider)
        .given([registered])
        .when(register(second, 50, { lastHeartbeat: 40, sighting: { pid: 101, alive: true } }))
        .thenThrows(HandleTaken, /Handle "dev" is held by a live session/));

    it('takes over at once when the holder process on this host is gone (a restart after a crash)', () =>
      spec(agentDecider)
        .given([registered])
        .when(register(second, 20, { lastHeartbeat: 20, sighting: { pid: 101, alive: false } }))
        .then([{ type: 'AgentRegistered', v: 1, profile, holder: second, at: 20 }]));

    it('is refused while the heartbeat is fresh when the holder process was not seen', () =>
      spec(agentDecider)
        .given([registered])
        .when(register(second, 100, { lastHeartbeat: 90 }))
        .thenThrows(HandleTaken, /"dev"/));

    it('a sighting of another pid (the holder changed since it was looked up) proves nothing', () =>
      spec(agentDecider)
        .given([registered])
        .when(register(second, 20, { sighting: { pid: 999, alive: false } }))
        .thenThrows(HandleTaken));

    it('takes over once the heartbeat is older than the stale threshold, even if the pid runs (pids are reused)', () =>
      spec(agentDecider)
        .given([registered])
        .when(register(second, 10 + STALE_AFTER + 1, { lastHeartbeat: 10, sighting: { pid: 101, alive: true } }))
        .then([{ type: 'AgentRegistered', v: 1, profile, holder: second, at: 10 + STALE_AFTER + 1 }]));

    it('takes over at once after the holder ended its session cleanly', () =>
      spec(agentDecider)
        .given([registered, ended])
        .when(register(second, 31, { lastHeartbeat: 30 }))
        .then([{ type: 'AgentRegistered', v: 1, profile, holder: second, at: 31 }]));

    it('a session that says it is offline still holds its identity', () =>
      spec(agentDecider)
        .given([registered, { type: 'AgentPresenceUpdated', v: 1, status: 'offline', at: 20 }])
        .when(register(second, 30, { sighting: { pid: 101, alive: true } }))
        .thenThrows(HandleTaken));

    it("CLI commands share a handle among themselves, but never take a live agent's", () => {
      const cli = (session: string, pid: number): AgentHolder => ({ session, pid, command: true });
      spec(agentDecider)
        .given([{ ...registered, holder: cli('c-1', 5) } as AgentEvent])
        .when(register(cli('c-2', 6), 20, { sighting: { pid: 5, alive: true } }))
        .then([{ type: 'AgentRegistered', v: 1, profile, holder: cli('c-2', 6), at: 20 }]);
      spec(agentDecider)
        .given([registered])
        .when(register(cli('c-2', 6), 20, { sighting: { pid: 101, alive: true } }))
        .thenThrows(HandleTaken);
    });

    it('an agent registered before holders were recorded holds its handle while online and fresh', () => {
      const legacy: AgentEvent = { type: 'AgentRegistered', v: 1, profile, at: 10 };
      spec(agentDecider).given([legacy]).when(register(second, 50)).thenThrows(HandleTaken);
      spec(agentDecider)
        .given([legacy])
        .when(register(second, 10 + STALE_AFTER + 1))
        .then([{ type: 'AgentRegistered', v: 1, profile, holder: second, at: 10 + STALE_AFTER + 1 }]);
    });
  });

  describe('EndSession', () => {
    it('the holding session ends: offline, and nobody holds the identity', () => {
      spec(agentDecider).given([registered]).when({ type: 'EndSession', session: 's-1', now: 30 }).then([ended]);
      const state = fold(agentDecider, [registered, ended]);
      expect(state).toMatchObject({ status: 'registered', presence: 'offline', updatedAt: 30 });
      expect(state).not.toHaveProperty('holder');
    });

    it('a session that was taken over ends nothing of its successor', () =>
      spec(agentDecider)
        .given([registered, { type: 'AgentRegistered', v: 1, profile, holder: second, at: 20 }])
        .when({ type: 'EndSession', session: 's-1', now: 30 })
        .then([]));

    it('nothing to end for an agent that never registered', () =>
      spec(agentDecider).given([]).when({ type: 'EndSession', session: 's-1', now: 30 }).then([]));
  });

  describe('UpdatePresence', () => {
    it('records only the fields that were given', () =>
      spec(agentDecider)
        .given([registered])
        .when({ type: 'UpdatePresence', status: 'busy', now: 20 })
        .then([{ type: 'AgentPresenceUpdated', v: 1, status: 'busy', at: 20 }]));

    it('records status, task count and capabilities together', () =>
      spec(agentDecider)
        .given([registered])
        .when({ type: 'UpdatePresence', status: 'online', currentTaskCount: 2, capabilities: ['go'], now: 20 })
        .then([
          { type: 'AgentPresenceUpdated', v: 1, status: 'online', currentTaskCount: 2, capabilities: ['go'], at: 20 },
        ]));

    it('rejects an agent that never registered', () =>
      spec(agentDecider)
        .given([])
        .when({ type: 'UpdatePresence', status: 'busy', now: 20 })
        .thenThrows(AgentNotRegistered, /register_agent/));

    it('rejects an agent that deregistered', () =>
      spec(agentDecider)
        .given([registered, deregistered])
        .when({ type: 'UpdatePresence', status: 'online', now: 40 })
        .thenThrows(AgentNotRegistered, /g-1/));
  });

  describe('DeregisterAgent', () => {
    it('deregisters a registered agent', () =>
      spec(agentDecider).given([registered]).when({ type: 'DeregisterAgent', now: 30 }).then([deregistered]));

    it('rejects an agent that never registered', () =>
      spec(agentDecider).given([]).when({ type: 'DeregisterAgent', now: 30 }).thenThrows(AgentNotRegistered));

    it('rejects deregistering twice', () =>
      spec(agentDecider)
        .given([registered, deregistered])
        .when({ type: 'DeregisterAgent', now: 40 })
        .thenThrows(NotFound));
  });

  describe('evolve', () => {
    it('a registered agent is online with no tasks', () => {
      expect(fold(agentDecider, [registered])).toEqual({
        status: 'registered',
        profile,
        holder: first,
        presence: 'online',
        currentTaskCount: 0,
        registeredAt: 10,
        updatedAt: 10,
      });
    });

    it('a presence update changes only what it names', () => {
      const state = fold(agentDecider, [
        registered,
        { type: 'AgentPresenceUpdated', v: 1, currentTaskCount: 3, at: 15 },
        { type: 'AgentPresenceUpdated', v: 1, status: 'busy', at: 20 },
        { type: 'AgentPresenceUpdated', v: 1, capabilities: ['go'], at: 25 },
      ]);
      expect(state).toEqual({
        status: 'registered',
        profile: { ...profile, capabilities: ['go'] },
        holder: first,
        presence: 'busy',
        currentTaskCount: 3,
        registeredAt: 10,
        updatedAt: 25,
      });
    });

    it('re-registering keeps the first registration time and the task count, and comes back online', () => {
      const state = fold(agentDecider, [
        registered,
        { type: 'AgentPresenceUpdated', v: 1, status: 'busy', currentTaskCount: 2, at: 15 },
        { type: 'AgentRegistered', v: 1, profile, at: 20 },
      ]);
      expect(state).toMatchObject({
        status: 'registered',
        presence: 'online',
        currentTaskCount: 2,
        registeredAt: 10,
        updatedAt: 20,
      });
    });

    it('a deregistered agent is offline', () => {
      expect(fold(agentDecider, [registered, deregistered])).toMatchObject({
        status: 'deregistered',
        presence: 'offline',
        updatedAt: 30,
      });
    });

    it('registering after deregistration keeps the first registration time', () => {
      const state = fold(agentDecider, [registered, deregistered, { type: 'AgentRegistered', v: 1, profile, at: 40 }]);
      expect(state).toMatchObject({ status: 'registered', presence: 'online', registeredAt: 10, updatedAt: 40 });
    });

    it('ignores presence and deregistration events for an agent that never registered', () => {
      expect(fold(agentDecider, [{ type: 'AgentPresenceUpdated', v: 1, status: 'busy', at: 1 }, deregistered])).toEqual(
        { status: 'unregistered' },
      );
    });
  });
});
