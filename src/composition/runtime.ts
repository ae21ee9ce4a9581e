import { hostname, userInfo } from 'node:os';
import { dirname } from 'node:path';
import {
  startSession,
  type CreateChannelInput,
  type RunningSession,
  type Settings,
  type WarpApi,
} from '../application/index.js';
import { launchLocalHub, noHubWithCredentials } from '../adapters/hub/hub-launcher.js';
import { discoverHubs, warnOfHubSettings, type HubSummary } from '../adapters/hub/hub-directory.js';
import type { NatsBackend } from '../adapters/nats/nats-backend.js';
import {
  loadEnv,
  loadNatsCreds,
  findProjectRoot,
  loadProjectConfig,
  readGitRemoteUrl,
  resolveNamespace,
  type ChannelConfig,
  type Logger,
  type ProjectConfig,
  type ResolvedNamespace,
  type WarpEnv,
} from '../adapters/config/index.js';
import { processLogging } from './process-logging.js';
import { memoryModule, natsModule } from './backend-modules.js';
import { buildContainer, coreModule, resolveApp } from './container.js';
import { openSealedSession } from './sealed-session.js';
import { openThinSession } from './thin-session.js';
import { TRUSTED_CALLER_PREFIX } from '../adapters/hub/hub-admission.js';

export interface Runtime {
  /** On NATS, a thin session's port (the hub decides); in memory, the use cases in process. */
  readonly app: WarpApi;
  readonly env: WarpEnv;
  readonly logger: Logger;
  /** The hubs answering on this session's NATS; absent in memory mode. */
  hubs?(): Promise<readonly HubSummary[]>;
  /** Goes offline, stops background work and disconnects. */
  close(): Promise<void>;
}

export interface RuntimeOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Preset handle (the CLI's --as); MCP sessions choose theirs with set_handle. */
  readonly handle?: string;
  /** The handle without --as ("cli"); with an agent's credentials, the credential's handle instead. */
  readonly defaultHandle?: string;
  /** A CLI command: shares its handle with other commands, never with a live agent. */
  readonly command?: boolean;
}

export const settingsOf = (env: WarpEnv): Settings => ({
  maxMessageBytes: env.maxMessageBytes,
  leaseMs: env.ackTimeoutMs,
  maxAttempts: env.maxAttempts,
  dlqTtlMs: env.dlqTtlMs,
  workRetentionMs: env.workRetentionMs,
  heartbeatMs: env.heartbeatMs,
  staleAfterMs: env.staleAfterMs,
  upkeepMs: env.upkeepMs,
  checkpointMs: env.checkpointMs,
  channelLimits: {
    maxMessages: env.channelMaxMessages,
    maxBytes: env.channelMaxBytes,
    maxChannels: env.maxChannels,
    maxReservedBytes: env.projectChannelsMaxBytes,
  },
});

/** The namespace this project's agents share (SPEC §3), and where it came from; `warp doctor` shows it. */
export function projectNamespace(env: WarpEnv, project: ProjectConfig): ResolvedNamespace {
  return resolveNamespace({
    configNamespace: project.namespace,
    envNamespace: env.namespace,
    // A config file marks the project root, so subfolders share the path-derived namespace.
    projectPath: project.path ? dirname(project.path) : env.projectPath,
    gitRemoteUrl: project.namespace || env.namespace ? undefined : readGitRemoteUrl(env.projectPath),
  });
}

/** Reads configuration, wires the container for the chosen backend and starts the session. */
export async function openRuntime(options: RuntimeOptions): Promise<Runtime> {
  const env = loadEnv(options.env, options.cwd);
  const { connection, logger, quarantine } = processLogging(env);
  const project = loadProjectConfig(env.projectPath);
  const creds = env.natsCreds !== undefined && env.backend === 'nats' ? loadNatsCreds(env.natsCreds) : undefined;
  const channels: CreateChannelInput[] = project.channels.map((c: ChannelConfig) => ({
    name: c.name,
    description: c.description ?? '',
    ...(c.maxMessages !== undefined ? { maxMessages: c.maxMessages } : {}),
    ...(c.maxBytes !== undefined ? { maxBytes: c.maxBytes } : {}),
    ...(c.maxAgeMs !== undefined ? { maxAgeMs: c.maxAgeMs } : {}),
  }));
  if (creds?.identity) {
    const { identity } = creds;
    logger.info('starting', { backend: env.backend, namespace: identity.namespace, namespaceSource: 'credentials' });
    const sealed = await openSealedSession({
      env,
      connection,
      creds: { ...creds, identity },
      logger,
      quarantine,
      channels,
      command: options.command ?? false,
    });
    if (options.handle)
      await sealed.app.setHandle({ handle: options.handle }).catch(async (error: unknown) => {
        await sealed.close();
        throw error;
      });
    return { app: sealed.app, env, logger, close: () => sealed.close() };
  }
  const { namespace, source } = projectNamespace(env, project);
  logger.info('starting', { backend: env.backend, namespace, namespaceSource: source, config: project.path ?? 'none' });
  const identity = {
    namespace,
    hostname: hostname(),
    username: safeUsername(),
    pid: process.pid,
    command: options.command ?? false,
  };
  let nats: NatsBackend | undefined;
  const backendModule =
    env.backend === 'memory'
      ? memoryModule
      : natsModule(async (quarantine) => {
          // Loaded on demand so the memory backend never loads the NATS client.
          const { openNatsBackend } = await import('./nats-backend.js');
          nats = await openNatsBackend(env, connection, logger, options.env['NATS_URL'] !== undefined, quarantine, {
            ...(creds ? { creds: creds.content } : {}),
          });
          return nats;
        });
  const container = await buildContainer(coreModule(identity, settingsOf(env), quarantine), backendModule);
  const { app, deps, backend } = await resolveApp(container);
  deps.session.projectRoot = findProjectRoot(env.projectPath);
  const onError = (error: unknown): void => logger.warn('background task failed', { error: String(error) });
  let running: RunningSession;
  let api: WarpApi = app;
  try {
    if (nats) {
      // A session that finds no hub starts one here, as it starts a local nats-server, wherever the
      // URL (or NATS_USER, NATS_PASS) carries the credentials: the hub gets them through this
      // environment (ADR 0018). With NATS_CREDS the hub is the operator's to run: the call says how.
      const server = nats.connection.describe();
      const credsFile = env.natsCreds;
      const launch =
        env.hub === 'external'
          ? undefined
          : credsFile !== undefined
            ? () => {
                throw noHubWithCredentials(server, credsFile, false);
              }
            : () => launchLocalHub(options.env, server);
      // A privileged credential (the hub's) asks on subjects no agent credential may publish to.
      const caller = creds ? `${TRUSTED_CALLER_PREFIX}${deps.session.holder.session}` : undefined;
      ({ app: api, running } = await openThinSession(deps, nats.connection, channels, onError, launch, caller));
      // In memory this process is all there is: it keeps the namespace bounded itself.
    } else running = await startSession(deps, channels, onError, { maintain: true });
    // The CLI's --as goes through set_handle's check: a live agent's handle is not the CLI's to use.
    const handle = options.handle ?? options.defaultHandle;
    if (handle)
      await api.setHandle({ handle }).catch(async (error: unknown) => {
        await running.stop();
        throw error;
      });
  } catch (error) {
    await backend.close();
    throw error;
  }
  const natsConnection = nats?.connection;
  // Once a hub has answered (the channels are synced at start): what this session sets that the hub does otherwise.
  if (natsConnection && !options.command)
    void warnOfHubSettings(natsConnection.nc, env, options.env, logger).catch(() => undefined);
  return {
    app: api,
    ...(natsConnection ? { hubs: () => discoverHubs(natsConnection.nc, Date.now()) } : {}),
    env,
    logger,
    async close() {
      await running.stop();
      await backend.close();
    },
  };
}

function safeUsername(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env['USER'] ?? 'unknown';
  }
}
