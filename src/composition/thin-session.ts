import {
  catchUpChannel,
  createWarpApp,
  startThinSession,
  type AppDeps,
  type CreateChannelInput,
  type ThinRunningSession,
  type WarpApi,
} from '../application/index.js';
import { HubClient } from '../adapters/hub/hub-client.js';
import { hubWarpApi } from '../adapters/hub/hub-warp-api.js';
import { subscribeWorkNotices } from '../adapters/hub/work-notice.js';
import { StoredValueDecoder } from '../adapters/nats/codecs/stored-value-decoder.js';
import type { NatsBackendConnection } from '../adapters/nats/nats-backend.js';

export interface ThinSession {
  readonly app: WarpApi;
  readonly running: ThinRunningSession;
}

/**
 * A session on NATS whose shared-state operations a hub answers: its own use cases for what goes
 * straight to JetStream, the hub for the rest. `launch` starts a hub when none answers.
 */
export async function openThinSession(
  deps: AppDeps,
  conn: NatsBackendConnection,
  configuredChannels: readonly CreateChannelInput[],
  onError: (error: unknown) => void,
  launch?: () => void,
  /** The caller token of a privileged credential (ADR 0022); by default the session id. */
  caller?: string,
): Promise<ThinSession> {
  const hub = new HubClient({
    requests: conn.requests,
    session: deps.session,
    server: conn.describe(),
    connected: (deadline) => conn.whenConnected(deadline),
    checkPayload: (what, payload) => conn.checkPayload(what, payload),
    ...(launch ? { launch } : {}),
    ...(caller ? { caller } : {}),
    // Straight to the project's hub; a privileged credential keeps to the subjects it was given.
    direct: caller === undefined,
  });
  const running = await startThinSession(
    deps,
    {
      syncChannels: (configured) => hub.call('syncChannels', configured),
      beat: () => hub.call('beat'),
      goOffline: () => hub.call('goOffline'),
    },
    configuredChannels,
    onError,
  );
  const decoder = new StoredValueDecoder(deps.quarantine);
  const { leaseMs, maxAttempts, dlqTtlMs } = deps.settings;
  const app = hubWarpApi({
    hub,
    local: createWarpApp(deps),
    session: deps.session,
    workOffers: (listener) => subscribeWorkNotices(conn.nc, deps.session.namespace, decoder, listener, onError),
    catchUpChannel: (name) => catchUpChannel(deps, name),
    followWork: () => running.followWork(),
    // This session's WORKQUEUE_* travel with its offers (ADR 0035).
    policy: { leaseMs, maxAttempts, dlqTtlMs },
  });
  return { app, running };
}
