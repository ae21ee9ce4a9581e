import { agentDecider } from '../../domain/index.js';
import type { AppDeps } from '../shared/deps.js';
import { compactStream } from '../shared/compact.js';
import { execute } from '../shared/execute.js';
import { requireGuid } from '../shared/require.js';
import { endReservationsOf } from '../reservations/release-paths.js';
import { projectAgent } from './project-agent.js';

/** Marks the agent offline and hidden from discovery and ends its path reservations; its inbox keeps what was sent to it. */
export async function deregisterAgent(deps: AppDeps): Promise<{ guid: string; deregistered: true }> {
  const guid = requireGuid(deps.session, 'deregister');
  const now = deps.clock.now();
  const stream = { namespace: deps.session.namespace, kind: 'agent' as const, id: guid };
  const outcome = await execute(deps, stream, agentDecider, { type: 'DeregisterAgent', now });
  await projectAgent(deps.registry, outcome.state, now);
  await compactStream(deps, stream, agentDecider, { type: 'CompactAgent', now }, outcome);
  // Best effort: a deregistered holder's reservations no longer count anyway (holderGone), and the
  // next grant ends them in the book if this does not.
  await endReservationsOf(deps, guid).catch(() => undefined);
  deps.session.guid = undefined;
  return { guid, deregistered: true };
}
