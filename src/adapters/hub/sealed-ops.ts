import type { Msg } from '@nats-io/nats-core';
import {
  getMyHandle,
  noticePush,
  watchSession,
  watchUpdates,
  type AppDeps,
  type Push,
  type PushKind,
} from '../../application/index.js';
import type { Subscription } from '../../ports/index.js';
import type { NatsBackendConnection } from '../nats/nats-connection.js';
import type { HubClient } from './hub-client.js';
import type { LocalOps } from './hub-warp-api.js';
import { workNotice, workNoticeSchema, type WorkNotice } from './work-notice.js';

/** What a session with an agent's credentials has of its own: who it is, its notices, its connection. */
export type SealedDeps = Pick<AppDeps, 'session' | 'notices' | 'connection' | 'quarantine'>;

/**
 * The "local" operations of an agent with credentials: it may not touch JetStream, so messages
 * and inboxes go through the hub too; it only listens to the notices its credential may hear.
 */
export function sealedOps(
  hub: HubClient,
  deps: SealedDeps,
  conn: NatsBackendConnection,
  onError: (error: unknown) => void,
): LocalOps {
  /** Work offers announced to the project; one subscription serves every listener. */
  const onWork = (listener: (offer: WorkNotice) => void): Subscription => {
    const sub = conn.nc.subscribe(workNotice(deps.session.namespace), {
      callback: (error: Error | null, m: Msg): void => {
        if (error) return onError(error);
        const offer = workNoticeSchema.safeParse(safeJson(m));
        if (offer.success) listener(offer.data);
        else onError(new Error(`ignored a malformed work notice on ${m.subject}`));
      },
    });
    return { close: async () => sub.unsubscribe() };
  };
  return {
    getMyHandle: () => getMyHandle(deps),
    listChannels: () => hub.call('listChannels'),
    sendMessage: (input) => hub.call('sendMessage', input),
    readMessages: (input) => hub.call('readMessages', input),
    sendDirectMessage: (input) => hub.call('sendDirectMessage', input),
    readDirectMessages: (input) => hub.call('readDirectMessages', input),
    inboxStatus: () => hub.call('inboxStatus'),
    watchUpdates: (listener) => watchUpdates(deps, listener),
    watchWork: async (listener) => {
      const sub = onWork(() => listener());
      await conn.nc.flush();
      return sub;
    },
    async startAgentFeed(kinds: ReadonlySet<PushKind>, push: (p: Push) => void): Promise<Subscription> {
      const watch = await watchSession(deps, noticePush(deps.session, kinds, push));
      const work = onWork((offer) => {
        const guid = deps.session.guid;
        if (!kinds.has('work') || !guid || offer.offeredBy === guid) return;
        void hub
          .call<{ agent: { capabilities: readonly string[] } }>('getAgentInfo', { guid })
          .then(({ agent }) => {
            if (agent.capabilities.includes(offer.capability)) push(workPush(offer));
          })
          .catch(onError);
      });
      await conn.nc.flush();
      return {
        async close() {
          await work.close();
          await watch.close();
        },
      };
    },
  };
}

const workPush = (offer: WorkNotice): Push => ({
  kind: 'work',
  content: offer.description,
  meta: {
    kind: 'work',
    work_item_id: offer.workItemId,
    task_id: offer.taskId,
    capability: offer.capability,
    priority: String(offer.priority),
    from: offer.offeredBy,
  },
});

function safeJson(m: Msg): unknown {
  try {
    return m.json();
  } catch {
    return undefined;
  }
}
