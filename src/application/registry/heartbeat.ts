import { agentDecider } from '../../domain/index.js';
import type { AppDeps } from '../shared/deps.js';
import { compactStream } from '../shared/compact.js';
import { execute } from '../shared/execute.js';
import { projectAgent } from './project-agent.js';

/**
 * Refreshes this agent's presence; touches only the heartbeat so it never races a presence update,
 * and only while this session holds the identity (a session taken over for being stale stops).
 */
export async function beat(deps: AppDeps): Promise<void> {
  const guid = deps.session.guid;
  if (!guid) return;
  const now = deps.clock.now();
  const mine = deps.session.holder.session;
  // An entry without a holder (recorded before holders were) is still this session's to keep alive.
  await deps.registry.update(guid, (entry) =>
    entry && (entry.holder?.session ?? mine) === mine
      ? { ...entry, lastHeartbeat: Math.max(entry.lastHeartbeat, now) }
      : undefined,
  );
}

/** Beats (here, or through `beatOnce`) every `heartbeatMs` until `signal` aborts; a failed beat is reported and retried on the next tick. */
export async function runHeartbeat(
  deps: AppDeps,
  signal: AbortSignal,
  onError: (error: unknown) => void,
  beatOnce: () => Promise<void> = () => beat(deps),
): Promise<void> {
  while (!signal.aborted) {
    await deps.clock.sleep(deps.settings.heartbeatMs, signal);
    if (signal.aborted) return;
    await beatOnce().catch(onError);
  }
}

/** This session lets go of the agent `guid`: offline, and its handle free at once for whoever comes next. */
export async function endSession(deps: AppDeps, guid: string): Promise<void> {
  const now = deps.clock.now();
  const stream = { namespace: deps.session.namespace, kind: 'agent' as const, id: guid };
  const outcome = await execute(deps, stream, agentDecider, {
    type: 'EndSession',
    session: deps.session.holder.session,
    now,
  });
  if (outcome.events.length === 0) return;
  await projectAgent(deps.registry, outcome.state, now);
  // No session holds the agent now: its history becomes one snapshot, so registering stays cheap.
  await compactStream(deps, stream, agentDecider, { type: 'CompactAgent', now }, outcome);
}

/** On a clean shutdown the agent says it is offline instead of waiting to go stale. */
export async function goOffline(deps: AppDeps): Promise<void> {
  if (deps.session.guid) await endSession(deps, deps.session.guid);
}
