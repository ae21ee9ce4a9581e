import type { AgentProfile } from './agent-profile.js';

/** Who is looking: the session's agent (if registered), its project and its user. */
export interface Viewer {
  readonly guid: string | undefined;
  readonly namespace: string;
  readonly username: string;
}

type Seen = Pick<AgentProfile, 'guid' | 'visibility' | 'namespace' | 'username'>;

/**
 * Whether `viewer` may see `agent` at all: private = itself; project-only = same namespace;
 * user-only = same user; public = everyone.
 *
 * @example canSee({ guid: 'a', namespace: 'p', username: 'u' }, { guid: 'b', visibility: 'user-only', namespace: 'q', username: 'u' }) // true
 */
export function canSee(viewer: Viewer, agent: Seen): boolean {
  if (viewer.guid === agent.guid) return true;
  switch (agent.visibility) {
    case 'private':
      return false;
    case 'project-only':
      return viewer.namespace === agent.namespace;
    case 'user-only':
      return viewer.username === agent.username;
    case 'public':
      return true;
  }
}

/** Where an agent runs (host, project, user) is shown only to itself, its project and its user. */
export const seesWhereabouts = (viewer: Viewer, agent: Seen): boolean =>
  viewer.guid === agent.guid || viewer.namespace === agent.namespace || viewer.username === agent.username;
