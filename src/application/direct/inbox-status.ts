import type { AppDeps } from '../shared/deps.js';
import { requireGuid } from '../shared/require.js';

/** How many direct messages wait, without reading (or marking) any of them. */
export async function inboxStatus(deps: AppDeps): Promise<{ guid: string; unread: number }> {
  const guid = requireGuid(deps.session, 'check your inbox');
  return { guid, unread: await deps.inbox.unread(guid) };
}
