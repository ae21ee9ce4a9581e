import { hostname } from 'node:os';
import { startHubService } from '../adapters/hub/hub-service.js';
import { openHubNamespace } from '../adapters/hub/hub-namespace.js';
import { ConfigError, loadEnv, loadNatsCreds, type Logger } from '../adapters/config/index.js';
import type { NatsBackend } from '../adapters/nats/nats-backend.js';
import { withinBudget } from '../adapters/nats/transient.js';
import type { Clock, IdGenerator, ProcessProbe, Quarantine } from '../ports/index.js';
import { natsModule } from './backend-modules.js';
import { buildContainer, coreModule } from './container.js';
import { settingsOf } from './runtime.js';
import { processLogging } from './process-logging.js';
import { TOKENS } from './tokens.js';

const ORPHAN_CHECK_MS = 1_000;

export interface HubProcess {
  readonly id: string;
  readonly logger: Logger;
  /** Resolves when the hub stops: asked to, or its NATS server gone for WARP_HUB_ORPHAN_MS. */
  readonly stopped: Promise<string>;
  stop(reason: string): Promise<void>;
}

/** Connects to NATS as `warp serve` does and serves the hub until stopped. */
export async function openHub(processEnv: NodeJS.ProcessEnv, cwd: string, version: string): Promise<HubProcess> {
  const env = loadEnv(processEnv, cwd);
  const { connection, logger, quarantine } = processLogging(env);
  const creds = env.natsCreds !== undefined ? loadNatsCreds(env.natsCreds) : undefined;
  if (creds?.identity)
    throw new ConfigError(
      `NATS_CREDS: ${env.natsCreds} is agent ${creds.identity.handle}'s credential; the hub runs with hub.creds`,
    );
  const identity = { namespace: 'hub', hostname: hostname(), username: 'hub', pid: process.pid, command: false };
  const container = await buildContainer(
    coreModule(identity, settingsOf(env), quarantine),
    natsModule(async (q: Quarantine) => {
      const { openNatsBackend } = await import('./nats-backend.js');
      return openNatsBackend(env, connection, logger, processEnv['NATS_URL'] !== undefined, q, {
        shared: true,
        ...(creds ? { creds: creds.content } : {}),
      });
    }),
  );
  const backend = await container.getAsync<NatsBackend>(TOKENS.Backend);
  const onError = (error: unknown): void =>
    logger.warn('hub task failed', { error: error instanceof Error ? error.message : String(error) });
  const shared = {
    backend,
    clock: container.get<Clock>(TOKENS.Clock),
    ids: container.get<IdGenerator>(TOKENS.Ids),
    processes: container.get<ProcessProbe>(TOKENS.Processes),
    settings: settingsOf(env),
    hostname: identity.hostname,
    onError,
  };
  const hub = await startHubService({
    ...shared,
    nc: backend.connection.nc,
    version,
    openModels: (namespace) => openHubNamespace(shared, namespace),
    budget: (request) => withinBudget(backend.connection.retry, request),
    deferrals: backend.events,
    // With credentials, agents are who the account says: their requests are checked and rate-limited.
    ...(creds ? { trust: { account: creds.account, ratePerSecond: env.hubRate } } : {}),
  }).catch(async (error: unknown) => {
    await backend.close();
    throw error;
  });
  logger.info('hub serving', { id: hub.id, nats: backend.connection.describe() });

  let finish: (reason: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => (finish = resolve));
  let away = 0;
  const check = Math.min(ORPHAN_CHECK_MS, env.hubOrphanMs);
  const watch = setInterval(() => {
    away = backend.connection.state() === 'connected' ? 0 : away + check;
    if (away >= env.hubOrphanMs) void stop(`NATS at ${backend.connection.describe()} gone for ${away / 1000} s`);
  }, check);
  watch.unref();
  let stopping: Promise<void> | undefined;
  const stop = (reason: string): Promise<void> =>
    (stopping ??= (async () => {
      clearInterval(watch);
      logger.info('hub stopping', { reason });
      await hub.stop();
      await backend.close().catch(onError);
      finish(reason);
    })());
  return { id: hub.id, logger, stopped, stop };
}
