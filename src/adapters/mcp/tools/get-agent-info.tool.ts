import { defineTool, READ_ONLY } from '../define-tool.js';
import { agentOut, id } from '../schemas.js';

export const getAgentInfoTool = defineTool({
  name: 'get_agent_info',
  group: 'registry',
  title: 'Agent info',
  description:
    "One agent's profile and presence by guid (from discover_agents). Agents you may not see are reported as not found.",
  input: { guid: id('agent guid') },
  output: { agent: agentOut },
  annotations: READ_ONLY,
  run: (app, args) => app.getAgentInfo(args),
  render: (r) =>
    `${r.agent.handle} [${r.agent.guid}] ${r.agent.status} ${r.agent.agentType} (${r.agent.capabilities.join(', ')})`,
});
