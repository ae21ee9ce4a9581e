import {
  createLogger,
  resolveNatsConnection,
  type Logger,
  type NatsConnectionOptions,
  type WarpEnv,
} from '../adapters/config/index.js';
import { connectionSecrets } from '../adapters/config/nats-url.js';
import { CountingQuarantine } from '../adapters/system/counting-quarantine.js';

export interface ProcessLogging {
  readonly connection: NatsConnectionOptions;
  /** Never prints the connection's password or token (its user name is no secret). */
  readonly logger: Logger;
  /** Counts each stored value Warp skips and logs it once. */
  readonly quarantine: CountingQuarantine;
}

/** What every Warp process (a session, the hub) logs with, from its configuration. */
export function processLogging(env: WarpEnv): ProcessLogging {
  const connection = resolveNatsConnection(env.natsUrl, env.natsUser, env.natsPass);
  const logger = createLogger(env.logLevel, connectionSecrets(connection));
  const quarantine = new CountingQuarantine(({ source, subject, sequence, reason }) =>
    logger.warn('skipped a stored value Warp cannot use', {
      source,
      subject,
      ...(sequence !== undefined ? { sequence } : {}),
      reason,
    }),
  );
  return { connection, logger, quarantine };
}
