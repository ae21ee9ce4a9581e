import { channelDecider } from '../../domain/index.js';
import type { AppDeps } from '../shared/deps.js';
import { load } from '../shared/execute.js';

/** Reads one channel from the store into the directory, for a change made elsewhere that its feed has not brought yet. */
export async function catchUpChannel(deps: AppDeps, name: string): Promise<void> {
  const stream = { namespace: deps.session.namespace, kind: 'channel' as const, id: name };
  const { state, revision } = await load(deps, stream, channelDecider);
  if (revision > 0) deps.channels.apply({ stream, revision, events: [] }, state);
}
