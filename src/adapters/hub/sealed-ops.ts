import {
  getMyHandle,
  noticePush,
  operationMethods,
  watchSession,
  watchUpdates,
  type AppDeps,
  type Push,
  type PushKind,
} from '../../application/index.js';
import { StoredValueDecoder } from '../nats/codecs/stored-value-decoder.js';
import type { NatsBackendConnection } from '../nats/nats-connection.js';
import type { HubClient } from './hub-client.js';
import type { HubOp } from './hub-protocol.js';
import type { LocalOps } from './hub-warp-api.js';
import { subscribeWorkNotices } from './work-notice.js';

/** What a session with an agent's credentials has of its own: who it is, its notices, its connection. */
export type SealedDeps = Pick<AppDeps, 'session' | 'notices' | 'connection' | 'quarantine'>;

/**
 * The "local" operations of an agent with credentials: it may not touch JetStream, so what a thin
 * session does on its own streams (the table's `stream` operations) goes through the hub too; it
 * only listens to the notices its credential may hear.
 */
export function sealedOps(
  hub: HubClient,
  deps: SealedDeps,
  conn: NatsBackendConnection,
  onError: (error: unknown) => void,
): LocalOps {
  return {
    // Every operation through the hub, but who the session is: only its own are asked of it here.
    ...operationMethods((name, input) => hub.call(name as HubOp, input)),
    getMyHandle: () => getMyHandle(deps),
    watchUpdates: (listener) => watchUpdates(deps, listener),
    // It follows no work stream: it hears of new offers only.
    watchWork: async (listener) => {
      const sub = subscribeWorkNotices(
        conn.nc,
        deps.session.namespace,
        new StoredValueDecoder(deps.quarantine),
        () => listener(),
        onError,
      );
      await conn.nc.flush();
      return sub;
    },
    // Work offers are pushed by hubWarpApi, from the hub's work notices.
    startAgentFeed: (kinds: ReadonlySet<PushKind>, push: (p: Push) => void) =>
      watchSession(deps, noticePush(deps.session, kinds, push)),
  };
}
