import type { Notice, Subscription } from '../../ports/index.js';
import type { AppDeps } from '../shared/deps.js';

/** Watches the notices of this session's namespace and inbox, re-aimed whenever the agent's guid changes. */
export async function watchSession(
  deps: Pick<AppDeps, 'session' | 'notices'>,
  listener: (notice: Notice) => void,
): Promise<Subscription> {
  const { session } = deps;
  let current: Subscription | undefined;
  let aimedAt = session.guid;
  let closed = false;
  const aim = async (): Promise<void> => {
    const next = await deps.notices.watch(session.namespace, session.guid, listener);
    const previous = current;
    current = next;
    await previous?.close();
    if (closed) await next.close();
  };
  await aim();
  const stop = session.onChange(() => {
    if (session.guid === aimedAt) return;
    aimedAt = session.guid;
    void aim();
  });
  return {
    async close() {
      closed = true;
      stop();
      await current?.close();
    },
  };
}

export type Update = { readonly kind: 'channel'; readonly channel: string } | { readonly kind: 'inbox' };

/** Which resources changed: a channel that got a message, or this agent's inbox. */
export function watchUpdates(
  deps: Pick<AppDeps, 'session' | 'notices'>,
  listener: (update: Update) => void,
): Promise<Subscription> {
  return watchSession(deps, (notice) => {
    if (notice.kind === 'channel') listener({ kind: 'channel', channel: notice.message.channel });
    else if (notice.message.recipientGuid === deps.session.guid) listener({ kind: 'inbox' });
  });
}
