import type { AgentId } from '../shared/ids.js';

export type Visibility = 'private' | 'project-only' | 'user-only' | 'public';
export type Scope = 'user' | 'project';
export type PresenceStatus = 'online' | 'busy' | 'offline';

export interface AgentProfile {
  readonly guid: AgentId;
  readonly handle: string;
  readonly agentType: string;
  readonly capabilities: readonly string[];
  readonly scope: Scope;
  readonly visibility: Visibility;
  readonly namespace: string;
  readonly hostname: string;
  readonly username: string;
}
