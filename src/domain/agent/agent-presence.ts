import type { PresenceStatus } from './agent-profile.js';

/** An agent is live while its newest sign of life is no older than the stale threshold. */
export const isFresh = (lastSeen: number, now: number, staleAfterMs: number): boolean => now - lastSeen <= staleAfterMs;

/**
 * An agent's newest sign of life: its last heartbeat or its last change, whichever came later.
 *
 * @example lastSeen({ lastHeartbeat: 100, updatedAt: 250 }) // 250
 */
export const lastSeen = (agent: { readonly lastHeartbeat: number; readonly updatedAt: number }): number =>
  Math.max(agent.lastHeartbeat, agent.updatedAt);

/** What the registry records of an agent's liveness. */
export interface Liveness {
  readonly presence: PresenceStatus;
  readonly lastHeartbeat: number;
  readonly deregistered: boolean;
}

/**
 * The status others see: offline when deregistered or when the heartbeat has gone stale,
 * so a crashed agent drops out without any coordinator; otherwise what it said.
 *
 * @example effectiveStatus({ presence: 'busy', lastHeartbeat: 0, deregistered: false }, 90_001, 90_000) // 'offline'
 */
export function effectiveStatus(agent: Liveness, now: number, staleAfterMs: number): PresenceStatus {
  if (agent.deregistered || !isFresh(agent.lastHeartbeat, now, staleAfterMs)) return 'offline';
  return agent.presence;
}
