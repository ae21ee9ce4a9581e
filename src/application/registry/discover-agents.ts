import { agentId, canSee, checkCapability, checkId, NotFound, type PresenceStatus } from '../../domain/index.js';
import type { AppDeps } from '../shared/deps.js';
import { agentView, viewerOf, type AgentView } from './agent-view.js';

export interface DiscoverAgentsInput {
  readonly agentType?: string;
  readonly capability?: string;
  readonly hostname?: string;
  readonly projectId?: string;
  readonly status?: PresenceStatus;
  readonly includeOffline?: boolean;
}

export async function discoverAgents(
  deps: AppDeps,
  input: DiscoverAgentsInput,
): Promise<{ agents: AgentView[]; count: number }> {
  if (input.capability !== undefined) checkCapability('capability', input.capability);
  const viewer = viewerOf(deps.session);
  const now = deps.clock.now();
  const agents: AgentView[] = [];
  for (const entry of await deps.registry.list()) {
    if (entry.deregistered || !canSee(viewer, entry.profile)) continue;
    if (input.agentType !== undefined && entry.profile.agentType !== input.agentType) continue;
    if (input.capability !== undefined && !entry.profile.capabilities.includes(input.capability)) continue;
    const view = agentView(viewer, entry, now, deps.settings.staleAfterMs);
    // Filters on hidden fields must not reveal them, so they only match what the viewer may see.
    if (input.hostname !== undefined && view.hostname !== input.hostname) continue;
    if (input.projectId !== undefined && view.projectId !== input.projectId) continue;
    if (input.status !== undefined ? view.status !== input.status : view.status === 'offline' && !input.includeOffline)
      continue;
    agents.push(view);
  }
  agents.sort((a, b) => a.handle.localeCompare(b.handle) || a.guid.localeCompare(b.guid));
  return { agents, count: agents.length };
}

export class AgentNotFound extends NotFound {
  constructor(guid: string) {
    super(
      `Agent ${guid} was not found (it does not exist or is not visible to you); use discover_agents to find agents.`,
    );
  }
}

export async function getAgentInfo(deps: AppDeps, input: { guid: string }): Promise<{ agent: AgentView }> {
  const guid = checkId('guid', input.guid);
  const entry = await deps.registry.get(agentId(guid));
  const viewer = viewerOf(deps.session);
  if (!entry || !canSee(viewer, entry.profile)) throw new AgentNotFound(guid);
  return { agent: agentView(viewer, entry, deps.clock.now(), deps.settings.staleAfterMs) };
}
