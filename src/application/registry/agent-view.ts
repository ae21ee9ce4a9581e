import type { PresenceStatus, Visibility } from '../../domain/index.js';
import type { RegistryEntry } from '../../ports/index.js';
import type { Session } from '../shared/session.js';

export interface Viewer {
  readonly guid: string | undefined;
  readonly namespace: string;
  readonly username: string;
}

export const viewerOf = (session: Session): Viewer => ({
  guid: session.guid,
  namespace: session.namespace,
  username: session.username,
});

/** private = itself; project-only = same namespace; user-only = same user; public = everyone. */
export function canSee(viewer: Viewer, entry: RegistryEntry): boolean {
  const p = entry.profile;
  if (viewer.guid === p.guid) return true;
  switch (p.visibility) {
    case 'private':
      return false;
    case 'project-only':
      return viewer.namespace === p.namespace;
    case 'user-only':
      return viewer.username === p.username;
    case 'public':
      return true;
  }
}

/** Offline when deregistered or when the heartbeat is older than the stale threshold: no coordinator needed. */
export function effectiveStatus(entry: RegistryEntry, now: number, staleAfterMs: number): PresenceStatus {
  if (entry.deregistered) return 'offline';
  if (now - entry.lastHeartbeat > staleAfterMs) return 'offline';
  return entry.presence;
}

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
  const close = viewer.guid === p.guid || viewer.namespace === p.namespace || viewer.username === p.username;
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
    ...(close ? { hostname: p.hostname, projectId: p.namespace, username: p.username } : {}),
  };
}
