import { describe, expect, it } from 'vitest';
import {
  agentDecider,
  agentId,
  channelDecider,
  replay,
  workItemDecider,
  type AgentEvent,
  type ChannelEvent,
  type Decider,
  type WorkItemEvent,
} from '../../../src/domain/index.js';

const spec = {
  id: 'w-1',
  taskId: 't-1',
  description: 'd',
  capability: 'ts',
  priority: 5,
  offeredBy: 'boss',
  namespace: 'proj',
};
const offered: WorkItemEvent = { type: 'WorkOffered', v: 1, spec, maxAttempts: 3, at: 0 };
const claimed = (holder: string, attempt = 1): WorkItemEvent => ({
  type: 'WorkClaimed',
  v: 1,
  holder,
  attempt,
  leaseUntil: 100,
  at: 1,
});
const completed = (holder: string): WorkItemEvent => ({ type: 'WorkCompleted', v: 1, holder, at: 2 });

/** Replays `events`, returning the state and what was skipped with why. */
function replayed<C, S, E>(decider: Decider<C, S, E>, events: readonly E[]) {
  const skipped: Array<{ event: E; reason: string }> = [];
  const state = replay(decider, events, (event, reason) => skipped.push({ event, reason }));
  return { state, skipped };
}

describe('replay of stored history', () => {
  it('folds an honest history exactly as evolve does, skipping nothing', () => {
    const events = [offered, claimed('a'), completed('a')];
    const { state, skipped } = replayed(workItemDecider, events);
    expect(skipped).toEqual([]);
    expect(state).toEqual(events.reduce(workItemDecider.evolve, workItemDecider.initialState()));
  });

  it('skips a second offer and a claim of a completed item, which would resurrect it', () => {
    const forged = [offered, claimed('mallory', 2)];
    const { state, skipped } = replayed(workItemDecider, [offered, claimed('a'), completed('a'), ...forged]);
    expect(state).toMatchObject({ status: 'completed', completedBy: 'a' });
    expect(skipped.map((s) => s.reason)).toEqual([
      'WorkOffered cannot follow a work item that is completed',
      'WorkClaimed cannot follow a work item that is completed',
    ]);
  });

  it('skips work events of a holder that does not hold the item, and claims out of turn', () => {
    const { state, skipped } = replayed(workItemDecider, [
      offered,
      claimed('a', 2),
      claimed('a'),
      completed('mallory'),
      { type: 'WorkFailed', v: 1, holder: 'mallory', attempt: 1, error: 'x', retryable: true, at: 3 },
      { type: 'WorkRetried', v: 1, resetAttempts: true, maxAttempts: 3, at: 4 },
    ]);
    expect(state).toMatchObject({ status: 'claimed', holder: 'a', attempts: 1 });
    expect(skipped.map((s) => s.reason)).toEqual([
      'WorkClaimed says attempt 2, but the next attempt is 1',
      'WorkCompleted names mallory, but a holds the item',
      'WorkFailed names mallory, but a holds the item',
      'WorkRetried cannot follow a work item that is claimed',
    ]);
  });

  it('skips anything but an offer before the item exists', () => {
    const { state, skipped } = replayed(workItemDecider, [completed('a'), { type: 'WorkDiscarded', v: 1, at: 1 }]);
    expect(state).toEqual({ status: 'absent' });
    expect(skipped).toHaveLength(2);
  });

  it('skips a channel created twice and a reconfiguration of a channel that does not exist', () => {
    const created: ChannelEvent = {
      type: 'ChannelCreated',
      v: 1,
      name: 'c',
      description: 'real',
      retention: {},
      at: 0,
    };
    const reconfigured: ChannelEvent = { type: 'ChannelReconfigured', v: 1, description: 'x', retention: {}, at: 1 };
    expect(replayed(channelDecider, [reconfigured]).skipped).toHaveLength(1);
    const { state, skipped } = replayed(channelDecider, [created, { ...created, description: 'hijacked' }]);
    expect(state).toMatchObject({ status: 'open', description: 'real' });
    expect(skipped.map((s) => s.reason)).toEqual(['ChannelCreated cannot follow a channel that is open']);
  });

  it('skips presence and deregistration of an agent that never registered; registering again is allowed', () => {
    const profile = {
      guid: agentId('g-1'),
      handle: 'a',
      agentType: 't',
      capabilities: [],
      scope: 'project' as const,
      visibility: 'project-only' as const,
      namespace: 'proj',
      hostname: 'h',
      username: 'u',
    };
    const registered: AgentEvent = { type: 'AgentRegistered', v: 1, profile, at: 5 };
    const { state, skipped } = replayed(agentDecider, [
      { type: 'AgentPresenceUpdated', v: 1, status: 'busy', at: 1 },
      { type: 'AgentDeregistered', v: 1, at: 2 },
      registered,
      registered,
    ]);
    expect(state).toMatchObject({ status: 'registered', presence: 'online', registeredAt: 5 });
    expect(skipped).toHaveLength(2);
  });
});
