import { z } from 'zod';
import { MAX_AGENT_TYPE_CHARS, MAX_CAPABILITIES } from '../../../domain/index.js';
import { defineTool, IDEMPOTENT_WRITE } from '../define-tool.js';
import { agentOut, capability } from '../schemas.js';

export const registerAgentTool = defineTool({
  name: 'register_agent',
  group: 'identity',
  title: 'Register agent',
  description:
    'Register this session so others can discover it, message it and route work to it. Sets a handle from agentType if none is set; re-registering (also after a restart) keeps the guid; a handle another live session holds is refused. Visibility: private, project-only (default), user-only, public.',
  input: {
    agentType: z.string().min(1).max(MAX_AGENT_TYPE_CHARS).describe('what kind of agent, e.g. "developer"'),
    capabilities: z.array(capability('each capability')).max(MAX_CAPABILITIES).optional(),
    scope: z.enum(['user', 'project']).optional(),
    visibility: z.enum(['private', 'project-only', 'user-only', 'public']).optional(),
  },
  output: { agent: agentOut },
  annotations: IDEMPOTENT_WRITE,
  run: (app, args) => app.registerAgent(args),
  render: (r) =>
    `Registered ${r.agent.handle} [${r.agent.guid}] with capabilities: ${r.agent.capabilities.join(', ') || 'none'}`,
});
