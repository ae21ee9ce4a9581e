import { hostname, userInfo } from 'node:os';
import { dirname } from 'node:path';
import {
  startSession,
  type AppDeps,
  type CreateChannelInput,
  type RunningSession,
  type Settings,
  type WarpApp,
} from '../application/index.js';
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
  readonly app: WarpApp;
  readonly deps: AppDeps;
  readonly env: WarpEnv;
  readonly logger: Logger;
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

const settingsOf = (env: WarpEnv): Settings => ({
  maxMessageBytes: env.maxMessageBytes,
  leaseMs: env.ackTimeoutMs,
  maxAttempts: env.maxAttempts,
  dlqTtlMs: env.dlqTtlMs,
  workRetentionMs: env.workRetentionMs,
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
  const backendModule =
    env.backend === 'memory'
      ? memoryModule
      : natsModule(async (quarantine) => {
          // Loaded on demand so the memory backend never loads the NATS client.
          const { openNatsBackend } = await import('./nats-backend.js');
          return openNatsBackend(env, connection, logger, options.env['NATS_URL'] !== undefined, quarantine);
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
  let running: RunningSession;
  try {
    // The CLI's --as goes through set_handle's check: a live agent's handle is not the CLI's to use.
    if (options.handle) await app.setHandle({ handle: options.handle });
    running = await startSession(
      deps,
      channels,
      (error) => logger.warn('background task failed', { error: String(error) }),
      // On NATS the hub keeps the namespace bounded; in memory this process is all there is.
      { maintain: env.backend === 'memory' },
    );
  } catch (error) {
    await backend.close();
    throw error;
  }
  return {
    app,
    deps,
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
