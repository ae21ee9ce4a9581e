import { hostname, userInfo } from 'node:os';
import { dirname } from 'node:path';
import {
  catchUpChannel,
  startSession,
  startThinSession,
  type AppDeps,
  type CreateChannelInput,
  type RunningSession,
  type Settings,
  type WarpApi,
} from '../application/index.js';
import { HubClient } from '../adapters/hub/hub-client.js';
import { launchLocalHub } from '../adapters/hub/hub-launcher.js';
import { HubWarpApi } from '../adapters/hub/hub-warp-api.js';
import { discoverHubs, type HubSummary } from '../adapters/hub/hub-directory.js';
import type { NatsBackend } from '../adapters/nats/nats-backend.js';
import {
  createLogger,
  loadEnv,
  loadProjectConfig,
  readGitRemoteUrl,
  resolveNamespace,
  resolveNatsConnection,
  type ChannelConfig,
  type Logger,
  type ProjectConfig,
  type ResolvedNamespace,
  type WarpEnv,
} from '../adapters/config/index.js';
import { CountingQuarantine } from '../adapters/system/counting-quarantine.js';
import { memoryModule, natsModule } from './backend-modules.js';
import { buildContainer, coreModule, resolveApp } from './container.js';

export interface Runtime {
  /** On NATS, a thin session's port (the hub decides); in memory, the use cases in process. */
  readonly app: WarpApi;
  /** This session's own dependencies (on NATS: no read models beyond the channel directory). */
  readonly deps: AppDeps;
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
  /** A CLI command: shares its handle with other commands, never with a live agent. */
  readonly command?: boolean;
}

export const settingsOf = (env: WarpEnv): Settings => ({
  maxMessageBytes: env.maxMessageBytes,
  leaseMs: env.ackTimeoutMs,
  maxAttempts: env.maxAttempts,
  dlqTtlMs: env.dlqTtlMs,
  heartbeatMs: env.heartbeatMs,
  staleAfterMs: env.staleAfterMs,
  channelLimits: { maxMessages: env.channelMaxMessages, maxBytes: env.channelMaxBytes, maxChannels: env.maxChannels },
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
  const connection = resolveNatsConnection(env.natsUrl, env.natsUser, env.natsPass);
  const logger = createLogger(
    env.logLevel,
    [connection.pass, connection.user].filter((s): s is string => Boolean(s)),
  );
  const project = loadProjectConfig(env.projectPath);
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
          nats = await openNatsBackend(env, connection, logger, options.env['NATS_URL'] !== undefined, quarantine);
          return nats;
        });
  const quarantine = new CountingQuarantine(({ source, subject, sequence, reason }) =>
    logger.warn('skipped a stored value Warp cannot use', {
      source,
      subject,
      ...(sequence !== undefined ? { sequence } : {}),
      reason,
    }),
  );
  const container = await buildContainer(coreModule(identity, settingsOf(env), quarantine), backendModule);
  const { app, deps, backend } = await resolveApp(container);
  const channels: CreateChannelInput[] = project.channels.map((c: ChannelConfig) => ({
    name: c.name,
    description: c.description ?? '',
    ...(c.maxMessages !== undefined ? { maxMessages: c.maxMessages } : {}),
    ...(c.maxBytes !== undefined ? { maxBytes: c.maxBytes } : {}),
    ...(c.maxAgeMs !== undefined ? { maxAgeMs: c.maxAgeMs } : {}),
  }));
  const onError = (error: unknown): void => logger.warn('background task failed', { error: String(error) });
  let running: RunningSession;
  let api: WarpApi = app;
  try {
    if (nats) {
      const hub = hubClientFor(nats, deps, options.env, connection.user !== undefined);
      api = new HubWarpApi(hub, app, (name) => catchUpChannel(deps, name));
      running = await startThinSession(
        deps,
        {
          syncChannels: (configured) => hub.call('syncChannels', configured),
          beat: () => hub.call('beat'),
          goOffline: () => hub.call('goOffline'),
        },
        channels,
        onError,
      );
    } else running = await startSession(deps, channels, onError);
    // The CLI's --as goes through set_handle's check: a live agent's handle is not the CLI's to use.
    if (options.handle)
      await api.setHandle({ handle: options.handle }).catch(async (error: unknown) => {
        await running.stop();
        throw error;
      });
  } catch (error) {
    await backend.close();
    throw error;
  }
  const natsConnection = nats?.connection;
  return {
    app: api,
    ...(natsConnection ? { hubs: () => discoverHubs(natsConnection.nc, Date.now()) } : {}),
    deps,
    env,
    logger,
    async close() {
      await running.stop();
      await backend.close();
    },
  };
}

/**
 * The session's way to the hub. On an open NATS server (no credentials), a session that finds no
 * hub starts one on this machine, as it starts a local nats-server; with credentials the hub is
 * the operator's to run.
 */
function hubClientFor(nats: NatsBackend, deps: AppDeps, env: NodeJS.ProcessEnv, authenticated: boolean): HubClient {
  const conn = nats.connection;
  const server = conn.describe();
  return new HubClient({
    nc: conn.nc,
    session: deps.session,
    server,
    connected: (deadline) => conn.whenConnected(deadline),
    ...(authenticated || env['WARP_HUB'] === 'external' ? {} : { launch: () => launchLocalHub(env, server) }),
  });
}

function safeUsername(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env['USER'] ?? 'unknown';
  }
}
