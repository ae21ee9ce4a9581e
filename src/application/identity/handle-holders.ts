import { HandleTaken, holdsHandle, lastSeen, type AgentHolder, type ProcessSighting } from '../../domain/index.js';
import type { RegistryEntry } from '../../ports/index.js';
import type { AppDeps } from '../shared/deps.js';

/** The holder's pid looked up here; only meaningful when the holder runs on this host. */
export function sightingOf(
  deps: AppDeps,
  hostname: string,
  holder: AgentHolder | undefined,
): ProcessSighting | undefined {
  if (!holder || hostname !== deps.session.hostname) return undefined;
  return { pid: holder.pid, alive: deps.processes.isAlive(holder.pid) };
}

function holds(deps: AppDeps, entry: RegistryEntry, now: number): boolean {
  const sighting = sightingOf(deps, entry.profile.hostname, entry.holder);
  return holdsHandle(
    {
      hostname: entry.profile.hostname,
      ...(entry.holder ? { holder: entry.holder } : {}),
      offline: entry.presence === 'offline',
      deregistered: entry.deregistered,
      lastSeen: lastSeen(entry),
    },
    {
      by: deps.session.holder,
      hostname: deps.session.hostname,
      now,
      staleAfterMs: deps.settings.staleAfterMs,
      ...(sighting ? { sighting } : {}),
    },
  );
}

/**
 * Refuses `handle` while a live session of this project holds it, on any host. Registration
 * checks again atomically on the agent's own stream, where this read-model answer may lag.
 */
export async function checkHandleFree(deps: AppDeps, handle: string): Promise<void> {
  const now = deps.clock.now();
  for (const entry of await deps.registry.list()) {
    if (entry.profile.namespace !== deps.session.namespace || entry.profile.handle !== handle) continue;
    if (holds(deps, entry, now)) throw new HandleTaken(handle);
  }
}
