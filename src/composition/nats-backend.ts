import type { Logger, NatsConnectionOptions, WarpEnv } from '../adapters/config/index.js';
import { connectNats, type NatsOptions } from '../adapters/nats/nats-connection.js';
import { createNatsBackend, type NatsBackend } from '../adapters/nats/nats-backend.js';
import { startLocalNats } from '../adapters/system/local-nats-server.js';
import type { Quarantine } from '../ports/index.js';

/**
 * Connects to NATS. With no NATS_URL set and nothing on the default address, a newcomer
 * gets a local nats-server started for them (or a message saying how to get one).
 */
export async function openNatsBackend(
  env: WarpEnv,
  connection: NatsConnectionOptions,
  logger: Logger,
  urlWasSet: boolean,
  quarantine: Quarantine,
  extra: { readonly shared?: boolean; readonly creds?: Uint8Array } = {},
): Promise<NatsBackend> {
  const servers = urlWasSet ? connection.servers : (await startLocalNats({ log: (m) => logger.info(m) })).url;
  const conn = await connectNats({
    ...dialOptions(env, connection, servers),
    name: 'warp',
    ...(extra.creds ? { creds: extra.creds } : {}),
  });
  try {
    return await createNatsBackend(conn, {
      replicas: env.replicas,
      workRetentionMs: env.workRetentionMs,
      quarantine,
      shared: extra.shared ?? false,
      // Only the hub applies the quota, so a session started with other settings never undoes it.
      ...(extra.shared ? { projectMaxBytes: env.projectMaxBytes > 0 ? env.projectMaxBytes : -1 } : {}),
      onError: (error) => logger.warn('background task failed', { error }),
    });
  } catch (error) {
    await conn.close();
    throw error;
  }
}

/** How to reach `servers` with the configured user, password and TLS. */
export function dialOptions(env: WarpEnv, connection: NatsConnectionOptions, servers: string): NatsOptions {
  // tls:// and wss:// require TLS (with the default URL, or a local server started for us, it is nats://).
  return { ...connection, servers, tls: connection.tls ? (env.natsTls ?? {}) : undefined };
}
