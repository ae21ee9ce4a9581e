import type { AgentHolder, AgentProfile, PresenceStatus } from '../domain/index.js';

/** The registry read model: a projection of Agent events plus the heartbeat. */
export interface RegistryEntry {
  readonly profile: AgentProfile;
  /** The live session holding the identity; absent once it ended cleanly. */
  readonly holder?: AgentHolder;
  readonly presence: PresenceStatus;
  readonly currentTaskCount: number;
  readonly registeredAt: number;
  readonly updatedAt: number;
  readonly lastHeartbeat: number;
  readonly deregistered: boolean;
}

/**
 * Agent entries keyed by guid. `update` is a compare-and-set loop: the mutation is
 * re-applied to the latest entry on a conflict, so concurrent writers never lose a write.
 *
 * @example
 *   await registry.update(guid, (e) => e && { ...e, lastHeartbeat: now });
 */
export interface RegistryStore {
  get(guid: string): Promise<RegistryEntry | undefined>;
  list(): Promise<readonly RegistryEntry[]>;
  update(
    guid: string,
    mutate: (current: RegistryEntry | undefined) => RegistryEntry | undefined,
  ): Promise<RegistryEntry | undefined>;
}
