import type { AgentState } from '../../domain/index.js';
import type { RegistryEntry, RegistryStore } from '../../ports/index.js';

/** Writes the registry entry for an agent's new state; the heartbeat field is merged, never overwritten backwards. */
export async function projectAgent(
  registry: RegistryStore,
  state: AgentState,
  now: number,
): Promise<RegistryEntry | undefined> {
  if (state.status === 'unregistered') return undefined;
  return registry.update(state.profile.guid, (current) => ({
    profile: state.profile,
    ...(state.holder ? { holder: state.holder } : {}),
    presence: state.presence,
    currentTaskCount: state.currentTaskCount,
    registeredAt: state.registeredAt,
    updatedAt: state.updatedAt,
    lastHeartbeat: Math.max(current?.lastHeartbeat ?? 0, now),
    deregistered: state.status === 'deregistered',
  }));
}
