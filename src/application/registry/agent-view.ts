import {
  effectiveStatus,
  seesWhereabouts,
  type PresenceStatus,
  type Viewer,
  type Visibility,
} from '../../domain/index.js';
import type { RegistryEntry } from '../../ports/index.js';
import type { Session } from '../shared/session.js';

export const viewerOf = (session: Session): Viewer => ({
  guid: session.guid,
  namespace: session.namespace,
  username: session.username,
});

export interface AgentView {
  readonly guid: string;
  readonly handle: string;
  readonly agentType: string;
  readonly capabilities: readonly string[];
  readonly status: PresenceStatus;
  readonly visibility: Visibility;
  readonly scope: string;
  readonly currentTaskCount: number;
  readonly lastHeartbeat: string;
  readonly registeredAt: string;
  /** Shown only to viewers in the same project or of the same user. */
  readonly hostname?: string;
  readonly projectId?: string;
  readonly username?: string;
}

export function agentView(viewer: Viewer, entry: RegistryEntry, now: number, staleAfterMs: number): AgentView {
  const p = entry.profile;
  return {
    guid: p.guid,
    handle: p.handle,
    agentType: p.agentType,
    capabilities: p.capabilities,
    status: effectiveStatus(entry, now, staleAfterMs),
    visibility: p.visibility,
    scope: p.scope,
    currentTaskCount: entry.currentTaskCount,
    lastHeartbeat: new Date(entry.lastHeartbeat).toISOString(),
    registeredAt: new Date(entry.registeredAt).toISOString(),
    ...(seesWhereabouts(viewer, p) ? { hostname: p.hostname, projectId: p.namespace, username: p.username } : {}),
  };
}
