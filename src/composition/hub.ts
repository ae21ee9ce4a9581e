import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { HUB_LISTEN_CREDS } from '../adapters/auth/auth-directory.js';
import { hubSettingsOf } from '../adapters/config/setting-owners.js';
import { connectNats, type NatsBackendConnection, type NatsOptions } from '../adapters/nats/nats-connection.js';
import { dialOptions } from './nats-backend.js';
import { startHubService } from '../adapters/hub/hub-service.js';
import { openHubNamespace } from '../adapters/hub/hub-namespace.js';
import { ConfigError, loadEnv, loadNatsCreds, type Logger } from '../adapters/config/index.js';
import type { NatsBackend } from '../adapters/nats/nats-backend.js';
import { withinBudget } from '../adapters/nats/transient.js';
import { EMBEDDED_HUB_ENV, launchDone, launchLocalHub } from '../adapters/hub/hub-launcher.js';
import { WAIT_TIMEOUT_MS } from '../domain/index.js';
import type { Clock, IdGenerator, ProcessProbe, Quarantine } from '../ports/index.js';
import { natsModule } from './backend-modules.js';
import { buildContainer, coreModule } from './container.js';
import { settingsOf } from './runtime.js';
import { processLogging } from './process-logging.js';
import { watchCodeChanges } from './code-changes.js';
import { TOKENS } from './tokens.js';

const ORPHAN_CHECK_MS = 1_000;
/**
 * How long a stopping hub keeps answering what it took: a wait_for_messages may wait a minute,
 * and the store calls after it have their own budget.
 */
const ANSWER_GRACE_MS = WAIT_TIMEOUT_MS.max + 15_000;
/** How often a hub a session started looks at Warp's code on disk (about 250 files). */
const CODE_CHECK_MS = 2_000;
/** A rebuilt or upgraded Warp is taken up once its files have been still this long. */
const CODE_SETTLE_MS = 5_000;

export interface HubProcess {
  readonly id: string;
  readonly logger: Logger;
  /**
   * Resolves when the hub stops: asked to, its NATS server gone for WARP_HUB_ORPHAN_MS, or (a hub
   * a session started) the Warp installed under it rebuilt or upgraded.
   */
  readonly stopped: Promise<string>;
  /** Takes no more requests and answers those in flight for up to `graceMs`, then disconnects. */
  stop(reason: string, graceMs?: number): Promise<void>;
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
  const listener =
    creds && env.natsCreds
      ? await openListener(env.natsCreds, dialOptions(env, connection, backend.connection.describe()), logger)
      : undefined;
  const hub = await startHubService({
    ...shared,
    nc: listener?.nc ?? backend.connection.nc,
    notify: backend.connection.nc,
    version,
    openModels: (namespace) => openHubNamespace(shared, namespace),
    budget: (request) => withinBudget(backend.connection.retry, request),
    deferrals: backend.events,
    metadata: hubSettingsOf(env),
    // With credentials, agents are who the account says: their requests are checked and rate-limited.
    ...(creds ? { trust: { account: creds.account, ratePerSecond: env.hubRate } } : {}),
  }).catch(async (error: unknown) => {
    await listener?.close();
    await backend.close();
    throw error;
  });
  logger.info('hub serving', { id: hub.id, nats: backend.connection.describe() });
  const embedded = processEnv[EMBEDDED_HUB_ENV] === '1';
  if (embedded) launchDone(processEnv, backend.connection.describe());

  let finish: (reason: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => (finish = resolve));
  let away = 0;
  const check = Math.min(ORPHAN_CHECK_MS, env.hubOrphanMs);
  const watch = setInterval(() => {
    away = backend.connection.state() === 'connected' ? 0 : away + check;
    // Nothing can be answered without NATS: no grace.
    if (away >= env.hubOrphanMs) void stop(`NATS at ${backend.connection.describe()} gone for ${away / 1000} s`, 0);
  }, check);
  watch.unref();
  // A hub a session started would otherwise serve the old code for as long as NATS runs: it starts
  // a hub of the new build, which serves (and sweeps) while this one finishes what it took (ADR 0028).
  const retire = (): void => {
    try {
      launchLocalHub(processEnv, backend.connection.describe());
    } catch (error) {
      // The next session that finds no hub starts one.
      onError(error);
    }
    void stop('Warp was rebuilt or upgraded under it; a hub of the new build takes over');
  };
  const unwatchCode = embedded
    ? watchCodeChanges(retire, {
        since: Date.now() - process.uptime() * 1_000,
        everyMs: CODE_CHECK_MS,
        settleMs: CODE_SETTLE_MS,
      })
    : () => {};
  let stopping: Promise<void> | undefined;
  const stop = (reason: string, graceMs = ANSWER_GRACE_MS): Promise<void> =>
    (stopping ??= (async () => {
      clearInterval(watch);
      unwatchCode();
      const owed = hub.inFlight();
      logger.info('hub stopping', {
        reason,
        ...(owed > 0 && graceMs > 0 ? { answering: owed, forUpToS: Math.round(graceMs / 1000) } : {}),
      });
      await hub.stop(graceMs);
      await listener?.close().catch(onError);
      await backend.close().catch(onError);
      finish(reason);
    })());
  return { id: hub.id, logger, stopped, stop };
}

/**
 * With credentials, requests are heard and answered on a connection of their own, whose credential
 * (`hub-listen.creds`, beside `hub.creds`) cannot publish to JetStream, KV or Warp's subjects: a
 * mistake in choosing where an answer goes cannot then reach a stream (ADR 0030). A directory from
 * before that credential existed still works, on one connection, and says how to get it.
 */
async function openListener(
  hubCreds: string,
  dial: NatsOptions,
  logger: Logger,
): Promise<NatsBackendConnection | undefined> {
  const file = join(dirname(hubCreds), HUB_LISTEN_CREDS);
  if (!existsSync(file)) {
    logger.warn('answering requests on the connection that holds JetStream rights', {
      missing: file,
      fix: `create it with \`warp auth listen-creds --dir ${dirname(hubCreds)}\``,
    });
    return undefined;
  }
  return connectNats({
    ...dial,
    name: 'warp-hub-listen',
    creds: loadNatsCreds(file).content,
    withoutJetStream: true,
  });
}
