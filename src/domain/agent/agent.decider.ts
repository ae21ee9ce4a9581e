import { NotFound, UnknownCommand } from '../shared/domain-error.js';
import type { Decider } from '../shared/decider.js';
import { HandleTaken, holdsHandle, type AgentHolder, type ProcessSighting } from './handle-holder.js';
import type { AgentProfile, PresenceStatus } from './agent-profile.js';

export type AgentCommand =
  | {
      readonly type: 'RegisterAgent';
      readonly profile: AgentProfile;
      /** The registering session; it takes the identity unless another live session holds it. */
      readonly holder: AgentHolder;
      readonly staleAfterMs: number;
      /** The registry's heartbeat for this agent, if it has one. */
      readonly lastHeartbeat?: number;
      readonly sighting?: ProcessSighting;
      readonly now: number;
    }
  | {
      readonly type: 'UpdatePresence';
      readonly status?: PresenceStatus;
      readonly currentTaskCount?: number;
      readonly capabilities?: readonly string[];
      readonly now: number;
    }
  | { readonly type: 'DeregisterAgent'; readonly now: number }
  /** A session shutting down cleanly lets go of the identity, if it still holds it. */
  | { readonly type: 'EndSession'; readonly session: string; readonly now: number }
  /** Replaces the history of an agent no session holds with one snapshot of its state. */
  | { readonly type: 'CompactAgent'; readonly now: number };

export type AgentEvent =
  | {
      readonly type: 'AgentRegistered';
      readonly v: 1;
      readonly profile: AgentProfile;
      /** Absent on events stored before holders were recorded. */
      readonly holder?: AgentHolder;
      readonly at: number;
    }
  | {
      readonly type: 'AgentPresenceUpdated';
      readonly v: 1;
      readonly status?: PresenceStatus;
      readonly currentTaskCount?: number;
      readonly capabilities?: readonly string[];
      readonly at: number;
    }
  | { readonly type: 'AgentDeregistered'; readonly v: 1; readonly at: number }
  | { readonly type: 'AgentSessionEnded'; readonly v: 1; readonly at: number }
  /** The whole state of an agent at rest: stored alone once its history is compacted. */
  | { readonly type: 'AgentCompacted'; readonly v: 1; readonly state: KnownAgent; readonly at: number };

export type AgentState =
  | { readonly status: 'unregistered' }
  | {
      readonly status: 'registered' | 'deregistered';
      readonly profile: AgentProfile;
      /** The live session holding this identity; absent once it ended cleanly. */
      readonly holder?: AgentHolder;
      readonly presence: PresenceStatus;
      readonly currentTaskCount: number;
      readonly registeredAt: number;
      readonly updatedAt: number;
    };

export type KnownAgent = Exclude<AgentState, { status: 'unregistered' }>;

/**
 * Whether the agent's history may be compacted: whenever it is known, since the snapshot is its
 * whole state (holder included). Registering then costs the same after thousands of sessions, ended
 * cleanly or crashed, as after one.
 */
export const agentCompactable = (state: AgentState): state is KnownAgent => state.status !== 'unregistered';

export class AgentNotRegistered extends NotFound {
  constructor(readonly guid: string) {
    super(`Agent ${guid} is not registered; call register_agent first.`);
  }
}

export const initialAgentState = (): AgentState => ({ status: 'unregistered' });

function register(cmd: Extract<AgentCommand, { type: 'RegisterAgent' }>, state: AgentState): AgentEvent[] {
  if (
    state.status === 'registered' &&
    holdsHandle(
      {
        hostname: state.profile.hostname,
        ...(state.holder ? { holder: state.holder } : {}),
        offline: state.presence === 'offline',
        deregistered: false,
        lastSeen: Math.max(state.updatedAt, cmd.lastHeartbeat ?? 0),
      },
      {
        by: cmd.holder,
        hostname: cmd.profile.hostname,
        now: cmd.now,
        staleAfterMs: cmd.staleAfterMs,
        ...(cmd.sighting ? { sighting: cmd.sighting } : {}),
      },
    )
  ) {
    throw new HandleTaken(state.profile.handle);
  }
  return [{ type: 'AgentRegistered', v: 1, profile: cmd.profile, holder: cmd.holder, at: cmd.now }];
}

function updatePresence(cmd: Extract<AgentCommand, { type: 'UpdatePresence' }>, state: AgentState): AgentEvent[] {
  if (state.status !== 'registered') throw new AgentNotRegistered(guidOf(state));
  const { type: _type, now, ...changes } = cmd;
  return [{ type: 'AgentPresenceUpdated', v: 1, ...changes, at: now }];
}

function deregister(cmd: Extract<AgentCommand, { type: 'DeregisterAgent' }>, state: AgentState): AgentEvent[] {
  if (state.status !== 'registered') throw new AgentNotRegistered(guidOf(state));
  return [{ type: 'AgentDeregistered', v: 1, at: cmd.now }];
}

function endSession(cmd: Extract<AgentCommand, { type: 'EndSession' }>, state: AgentState): AgentEvent[] {
  // Another session may have taken over since; its identity is not this session's to end.
  if (state.status !== 'registered' || state.holder?.session !== cmd.session) return [];
  return [{ type: 'AgentSessionEnded', v: 1, at: cmd.now }];
}

function compact(cmd: Extract<AgentCommand, { type: 'CompactAgent' }>, state: AgentState): AgentEvent[] {
  return agentCompactable(state) ? [{ type: 'AgentCompacted', v: 1, state, at: cmd.now }] : [];
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
      return register(command, state);
    case 'UpdatePresence':
      return updatePresence(command, state);
    case 'DeregisterAgent':
      return deregister(command, state);
    case 'EndSession':
      return endSession(command, state);
    case 'CompactAgent':
      return compact(command, state);
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
        ...(event.holder ? { holder: event.holder } : {}),
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
    case 'AgentCompacted':
      return event.state;
    case 'AgentSessionEnded': {
      if (state.status === 'unregistered') return state;
      const { holder: _ended, ...rest } = state;
      return { ...rest, presence: 'offline', updatedAt: event.at };
    }
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/**
 * A stored event replay skips (Decider.rejects): presence and deregistration only follow a
 * registration; a snapshot opens a compacted stream or follows the same agent.
 */
export function rejectsAgentEvent(state: AgentState, event: AgentEvent): string | undefined {
  if (event.type === 'AgentCompacted')
    return state.status === 'unregistered' || state.profile.guid === event.state.profile.guid
      ? undefined
      : 'AgentCompacted holds another agent than the one before it';
  return event.type === 'AgentRegistered' || state.status === 'registered'
    ? undefined
    : `${event.type} cannot follow an agent that is ${state.status}`;
}

export const agentDecider: Decider<AgentCommand, AgentState, AgentEvent> = {
  decide: decideAgent,
  evolve: evolveAgent,
  initialState: initialAgentState,
  rejects: rejectsAgentEvent,
};
