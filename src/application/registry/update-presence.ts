import { agentDecider, ValidationError, type PresenceStatus } from '../../domain/index.js';
import type { AppDeps } from '../shared/deps.js';
import { execute } from '../shared/execute.js';
import { requireGuid } from '../shared/require.js';
import { agentView, viewerOf, type AgentView } from './agent-view.js';
import { projectAgent } from './project-agent.js';
import { checkCapabilities } from './register-agent.js';

export interface UpdatePresenceInput {
  readonly status?: PresenceStatus;
  readonly currentTaskCount?: number;
  readonly capabilities?: readonly string[];
}

export async function updatePresence(deps: AppDeps, input: UpdatePresenceInput): Promise<{ agent: AgentView }> {
  const guid = requireGuid(deps.session, 'update presence');
  if (
    input.currentTaskCount !== undefined &&
    (!Number.isSafeInteger(input.currentTaskCount) || input.currentTaskCount < 0)
  ) {
    throw new ValidationError('currentTaskCount', 'must be a whole number ≥ 0');
  }
  const capabilities = input.capabilities ? checkCapabilities(input.capabilities) : undefined;
  const now = deps.clock.now();
  const stream = { namespace: deps.session.namespace, kind: 'agent' as const, id: guid };
  const { state } = await execute(deps, stream, agentDecider, {
    type: 'UpdatePresence',
    now,
    ...(input.status ? { status: input.status } : {}),
    ...(input.currentTaskCount !== undefined ? { currentTaskCount: input.currentTaskCount } : {}),
    ...(capabilities ? { capabilities } : {}),
  });
  const entry = await projectAgent(deps.registry, state, now);
  return { agent: agentView(viewerOf(deps.session), entry!, now, deps.settings.staleAfterMs) };
}
