import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Session, type CreateChannelInput, type WarpApi } from '../application/index.js';
import { agentInboxPrefix } from '../adapters/auth/agent-permissions.js';
import type { CredentialIdentity } from '../adapters/auth/credential-identity.js';
import type { Logger, NatsConnectionOptions, NatsCreds, WarpEnv } from '../adapters/config/index.js';
import { findProjectRoot } from '../adapters/config/project-root.js';
import { HubClient } from '../adapters/hub/hub-client.js';
import { hubWarpApi } from '../adapters/hub/hub-warp-api.js';
import { noHubWithCredentials } from '../adapters/hub/hub-launcher.js';
import { sealedOps } from '../adapters/hub/sealed-ops.js';
import { subscribeWorkNotices } from '../adapters/hub/work-notice.js';
import { StoredValueDecoder } from '../adapters/nats/codecs/stored-value-decoder.js';
import { connectNats } from '../adapters/nats/nats-connection.js';
import { NatsNotices } from '../adapters/nats/nats-notices.js';
import type { Quarantine } from '../ports/index.js';

export interface SealedSession {
  readonly app: WarpApi;
  close(): Promise<void>;
}

export interface SealedSessionOptions {
  readonly env: WarpEnv;
  readonly connection: NatsConnectionOptions;
  readonly creds: NatsCreds & { readonly identity: CredentialIdentity };
  readonly logger: Logger;
  readonly quarantine: Quarantine;
  readonly channels: readonly CreateChannelInput[];
  readonly command: boolean;
}

/**
 * A session with an agent's credentials (ADR 0022): it has no JetStream access, so every
 * operation is a request to the hub as the agent the credential names, and it hears only the
 * notices its credential may subscribe to. Its identity is the credential's, whatever the project
 * configuration says.
 */
export async function openSealedSession(options: SealedSessionOptions): Promise<SealedSession> {
  const { env, creds, logger } = options;
  const { identity } = creds;
  const credsFile = env.natsCreds ?? 'NATS_CREDS';
  const onError = (error: unknown): void => logger.warn('background task failed', { error: String(error) });
  const conn = await connectNats({
    ...options.connection,
    name: 'warp',
    tls: options.connection.tls ? (env.natsTls ?? {}) : undefined,
    creds: creds.content,
    inboxPrefix: agentInboxPrefix(identity.guid),
    withoutJetStream: true,
  });
  const session = new Session(identity.namespace, hostname(), identity.user, {
    session: randomUUID(),
    pid: process.pid,
    ...(options.command ? { command: true as const } : {}),
  });
  session.handle = identity.handle;
  session.projectRoot = findProjectRoot(env.projectPath);
  const decoder = new StoredValueDecoder(options.quarantine);
  const notices = new NatsNotices(conn, decoder, onError);
  const hub = new HubClient({
    requests: conn.requests,
    session,
    server: conn.describe(),
    connected: (deadline) => conn.whenConnected(deadline),
    checkPayload: (field, payload) => conn.checkPayload(field, payload),
    caller: identity.guid,
    credential: creds.jwt,
    ...(identity.maxPayload !== undefined ? { maxPayload: identity.maxPayload } : {}),
    // It starts no hub (ADR 0022): when none answers, it says exactly how to run one.
    launch: () => {
      throw noHubWithCredentials(conn.describe(), credsFile, true);
    },
  });
  const deps = { session, notices, connection: conn, quarantine: options.quarantine };
  const app = hubWarpApi({
    hub,
    local: sealedOps(hub, deps, conn, onError),
    session,
    workOffers: (listener) => subscribeWorkNotices(conn.nc, session.namespace, decoder, listener, onError),
    // This session's WORKQUEUE_* travel with its offers (ADR 0035).
    policy: { leaseMs: env.ackTimeoutMs, maxAttempts: env.maxAttempts, dlqTtlMs: env.dlqTtlMs },
  });
  try {
    if (options.channels.length > 0) await hub.call('syncChannels', options.channels);
  } catch (error) {
    await conn.close();
    throw error;
  }
  const heartbeat = new AbortController();
  const beating = (async () => {
    for (;;) {
      await sleep(env.heartbeatMs, undefined, { signal: heartbeat.signal }).catch(() => undefined);
      if (heartbeat.signal.aborted) return;
      await hub.call('beat').catch(onError);
    }
  })();
  logger.info('agent credentials', { namespace: identity.namespace, handle: identity.handle, guid: identity.guid });
  return {
    app,
    async close() {
      heartbeat.abort();
      await beating;
      await hub.call('goOffline').catch(onError);
      await conn.close();
    },
  };
}
