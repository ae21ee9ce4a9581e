import { describe, expect, it } from 'vitest';
import {
  agentDecider,
  agentId,
  AgentNotRegistered,
  NotFound,
  type AgentEvent,
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

const registered: AgentEvent = { type: 'AgentRegistered', v: 1, profile, at: 10 };
const deregistered: AgentEvent = { type: 'AgentDeregistered', v: 1, at: 30 };

describe('Agent decider', () => {
  describe('RegisterAgent', () => {
    it('registers an unknown agent', () =>
      spec(agentDecider).given([]).when({ type: 'RegisterAgent', profile, now: 10 }).then([registered]));

    it('registers again an agent that is already registered (a restarted session)', () => {
      const again = { ...profile, capabilities: ['typescript', 'rust'] };
      spec(agentDecider)
        .given([registered])
        .when({ type: 'RegisterAgent', profile: again, now: 20 })
        .then([{ type: 'AgentRegistered', v: 1, profile: again, at: 20 }]);
    });

    it('registers again an agent that deregistered', () =>
      spec(agentDecider)
        .given([registered, deregistered])
        .when({ type: 'RegisterAgent', profile, now: 40 })
        .then([{ type: 'AgentRegistered', v: 1, profile, at: 40 }]));
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
