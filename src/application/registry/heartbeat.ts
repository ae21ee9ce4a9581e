import { agentDecider } from '../../domain/index.js';
import type { AppDeps } from '../shared/deps.js';
import { execute } from '../shared/execute.js';
import { projectAgent } from './project-agent.js';

/** Refreshes this agent's presence; touches only the heartbeat so it never races a presence update. */
export async function beat(deps: AppDeps): Promise<void> {
  const guid = deps.session.guid;
  if (!guid) return;
  const now = deps.clock.now();
  await deps.registry.update(guid, (entry) => entry && { ...entry, lastHeartbeat: Math.max(entry.lastHeartbeat, now) });
}

/** Beats every `heartbeatMs` until `signal` aborts; a failed beat is reported and retried on the next tick. */
export async function runHeartbeat(
  deps: AppDeps,
  signal: AbortSignal,
  onError: (error: unknown) => void,
): Promise<void> {
  while (!signal.aborted) {
    await deps.clock.sleep(deps.settings.heartbeatMs, signal);
    if (signal.aborted) return;
    await beat(deps).catch(onError);
  }
}

/** On a clean shutdown the agent says it is offline instead of waiting to go stale. */
export async function goOffline(deps: AppDeps): Promise<void> {
  const guid = deps.session.guid;
  if (!guid) return;
  const now = deps.clock.now();
  const stream = { namespace: deps.session.namespace, kind: 'agent' as const, id: guid };
  const { state } = await execute(deps, stream, agentDecider, {
    type: 'UpdatePresence',
    status: 'offline',
    now,
  });
  await projectAgent(deps.registry, state, now);
}
