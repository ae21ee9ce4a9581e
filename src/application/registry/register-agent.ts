import {
  MAX_AGENT_TYPE_CHARS,
  MAX_CAPABILITIES,
  agentDecider,
  agentId,
  checkCapability,
  checkName,
  ValidationError,
  type Scope,
  type Visibility,
} from '../../domain/index.js';
import type { AppDeps } from '../shared/deps.js';
import { compactStream } from '../shared/compact.js';
import { execute } from '../shared/execute.js';
import { checkHandleFree, sightingOf } from '../identity/handle-holders.js';
import { agentView, viewerOf, type AgentView } from './agent-view.js';
import { endSession } from './heartbeat.js';
import { projectAgent } from './project-agent.js';

export interface RegisterAgentInput {
  readonly agentType: string;
  readonly capabilities?: readonly string[];
  readonly scope?: Scope;
  readonly visibility?: Visibility;
}

export function checkCapabilities(list: readonly string[]): string[] {
  if (!Array.isArray(list)) throw new ValidationError('capabilities', 'must be a list of capability names');
  if (list.length > MAX_CAPABILITIES)
    throw new ValidationError('capabilities', `at most ${MAX_CAPABILITIES} are allowed`);
  return [...new Set(list.map((c, i) => checkCapability(`capabilities[${i}]`, c)))];
}

/** A handle from the agent type when none is set: "Code Reviewer" → "code-reviewer". */
export function handleFromType(agentType: string): string {
  const slug = agentType
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  return slug || 'agent';
}

/**
 * Registers this session as the agent its handle names, taking the identity only from a session
 * that is gone (see `holdsHandle`); the same session registering again just updates it.
 */
export async function registerAgent(deps: AppDeps, input: RegisterAgentInput): Promise<{ agent: AgentView }> {
  const { session, clock, ids } = deps;
  const agentType = typeof input.agentType === 'string' ? input.agentType.trim() : '';
  if (agentType.length === 0 || agentType.length > MAX_AGENT_TYPE_CHARS)
    throw new ValidationError('agentType', `must be 1-${MAX_AGENT_TYPE_CHARS} characters, e.g. "developer"`);
  const capabilities = checkCapabilities(input.capabilities ?? []);
  const handle = checkName('handle', session.handle ?? handleFromType(agentType));
  await checkHandleFree(deps, handle);
  // Same project, host and handle → same guid, so a restarted session replaces its old entry.
  const guid = agentId(ids.stableId(session.namespace, session.hostname, handle));
  const known = await deps.registry.get(guid);
  const sighting = sightingOf(deps, session.hostname, known?.holder);
  const now = clock.now();
  const profile = {
    guid,
    handle,
    agentType,
    capabilities,
    scope: input.scope ?? 'project',
    visibility: input.visibility ?? 'project-only',
    namespace: session.namespace,
    hostname: session.hostname,
    username: session.username,
  } as const;
  const stream = { namespace: session.namespace, kind: 'agent' as const, id: guid };
  const outcome = await execute(deps, stream, agentDecider, {
    type: 'RegisterAgent',
    profile,
    holder: session.holder,
    staleAfterMs: deps.settings.staleAfterMs,
    ...(known ? { lastHeartbeat: known.lastHeartbeat } : {}),
    ...(sighting ? { sighting } : {}),
    now,
  });
  // A session that crashed never compacted its agent's history: each registration does, so it stays one snapshot.
  const state =
    (await compactStream(deps, stream, agentDecider, { type: 'CompactAgent', now }, outcome))?.state ?? outcome.state;
  await deps.inbox.open(guid);
  const entry = await projectAgent(deps.registry, state, now);
  // Registering under another handle lets go of the identity this session held before.
  const previous = session.guid;
  session.handle = handle;
  session.guid = guid;
  if (previous && previous !== guid) await endSession(deps, previous);
  return { agent: agentView(viewerOf(session), entry!, now, deps.settings.staleAfterMs) };
}
