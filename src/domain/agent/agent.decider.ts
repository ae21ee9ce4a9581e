import { NotFound, UnknownCommand } from '../shared/domain-error.js';
import type { Decider } from '../shared/decider.js';
import type { AgentId } from '../shared/ids.js';

export type Visibility = 'private' | 'project-only' | 'user-only' | 'public';
export type Scope = 'user' | 'project';
export type PresenceStatus = 'online' | 'busy' | 'offline';

export interface AgentProfile {
  readonly guid: AgentId;
  readonly handle: string;
  readonly agentType: string;
  readonly capabilities: readonly string[];
  readonly scope: Scope;
  readonly visibility: Visibility;
  readonly namespace: string;
  readonly hostname: string;
  readonly username: string;
}

export type AgentCommand =
  | { readonly type: 'RegisterAgent'; readonly profile: AgentProfile; readonly now: number }
  | {
      readonly type: 'UpdatePresence';
      readonly status?: PresenceStatus;
      readonly currentTaskCount?: number;
      readonly capabilities?: readonly string[];
      readonly now: number;
    }
  | { readonly type: 'DeregisterAgent'; readonly now: number };

export type AgentEvent =
  | { readonly type: 'AgentRegistered'; readonly v: 1; readonly profile: AgentProfile; readonly at: number }
  | {
      readonly type: 'AgentPresenceUpdated';
      readonly v: 1;
      readonly status?: PresenceStatus;
      readonly currentTaskCount?: number;
      readonly capabilities?: readonly string[];
      readonly at: number;
    }
  | { readonly type: 'AgentDeregistered'; readonly v: 1; readonly at: number };

export type AgentState =
  | { readonly status: 'unregistered' }
  | {
      readonly status: 'registered' | 'deregistered';
      readonly profile: AgentProfile;
      readonly presence: PresenceStatus;
      readonly currentTaskCount: number;
      readonly registeredAt: number;
      readonly updatedAt: number;
    };

export class AgentNotRegistered extends NotFound {
  constructor(readonly guid: string) {
    super(`Agent ${guid} is not registered; call register_agent first.`);
  }
}

export const initialAgentState = (): AgentState => ({ status: 'unregistered' });

const register = (cmd: Extract<AgentCommand, { type: 'RegisterAgent' }>): AgentEvent[] => [
  { type: 'AgentRegistered', v: 1, profile: cmd.profile, at: cmd.now },
];

function updatePresence(cmd: Extract<AgentCommand, { type: 'UpdatePresence' }>, state: AgentState): AgentEvent[] {
  if (state.status !== 'registered') throw new AgentNotRegistered(guidOf(state));
  const { type: _type, now, ...changes } = cmd;
  return [{ type: 'AgentPresenceUpdated', v: 1, ...changes, at: now }];
}

function deregister(cmd: Extract<AgentCommand, { type: 'DeregisterAgent' }>, state: AgentState): AgentEvent[] {
  if (state.status !== 'registered') throw new AgentNotRegistered(guidOf(state));
  return [{ type: 'AgentDeregistered', v: 1, at: cmd.now }];
}

const guidOf = (state: AgentState): string => (state.status === 'unregistered' ? 'unknown' : state.profile.guid);

/**
 * Decides what an agent command means given the agent's history.
 *
 * @example
 *   decideAgent({ type: 'DeregisterAgent', now: 5 }, registered) // → [{ type: 'AgentDeregistered', v: 1, at: 5 }]
 */
export function decideAgent(command: AgentCommand, state: AgentState): AgentEvent[] {
  switch (command.type) {
    case 'RegisterAgent':
      return register(command);
    case 'UpdatePresence':
      return updatePresence(command, state);
    case 'DeregisterAgent':
      return deregister(command, state);
    default: {
      const unknown: never = command;
      throw new UnknownCommand(unknown);
    }
  }
}

export function evolveAgent(state: AgentState, event: AgentEvent): AgentState {
  switch (event.type) {
    case 'AgentRegistered':
      return {
        status: 'registered',
        profile: event.profile,
        presence: 'online',
        currentTaskCount: state.status === 'registered' ? state.currentTaskCount : 0,
        registeredAt: state.status === 'unregistered' ? event.at : state.registeredAt,
        updatedAt: event.at,
      };
    case 'AgentPresenceUpdated':
      if (state.status === 'unregistered') return state;
      return {
        ...state,
        presence: event.status ?? state.presence,
        currentTaskCount: event.currentTaskCount ?? state.currentTaskCount,
        profile: event.capabilities ? { ...state.profile, capabilities: event.capabilities } : state.profile,
        updatedAt: event.at,
      };
    case 'AgentDeregistered':
      if (state.status === 'unregistered') return state;
      return { ...state, status: 'deregistered', presence: 'offline', updatedAt: event.at };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/** A stored event replay skips (Decider.rejects): presence and deregistration only follow a registration. */
export const rejectsAgentEvent = (state: AgentState, event: AgentEvent): string | undefined =>
  event.type === 'AgentRegistered' || state.status === 'registered'
    ? undefined
    : `${event.type} cannot follow an agent that is ${state.status}`;

export const agentDecider: Decider<AgentCommand, AgentState, AgentEvent> = {
  decide: decideAgent,
  evolve: evolveAgent,
  initialState: initialAgentState,
  rejects: rejectsAgentEvent,
};
