import { z } from 'zod';
import { MAX_AGENT_TYPE_CHARS } from '../../../domain/index.js';
import { defineTool, READ_ONLY } from '../define-tool.js';
import { agentOut, capability } from '../schemas.js';

export const discoverAgentsTool = defineTool({
  name: 'discover_agents',
  group: 'registry',
  title: 'Discover agents',
  description:
    'Find agents visible to you, filtered by agentType, capability, hostname, projectId or status. Offline agents (deregistered or silent past the stale threshold) are left out unless includeOffline is true.',
  input: {
    agentType: z.string().max(MAX_AGENT_TYPE_CHARS).optional(),
    capability: capability('capability').optional(),
    hostname: z.string().max(255).optional(),
    projectId: z.string().max(64).optional(),
    status: z.enum(['online', 'busy', 'offline']).optional(),
    includeOffline: z.boolean().optional(),
  },
  output: { agents: z.array(agentOut), count: z.number() },
  annotations: READ_ONLY,
  run: (app, args) => app.discoverAgents(args),
  render: (r) =>
    r.agents
      .map((a) => `${a.handle} [${a.guid}] ${a.status} ${a.agentType} (${a.capabilities.join(', ')})`)
      .join('\n') || 'No agents found.',
});
