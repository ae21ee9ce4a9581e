export { ConfigError } from './config-error.js';
export {
  loadEnv,
  DEFAULT_NATS_URL,
  LOG_LEVELS,
  BACKENDS,
  TOOL_PROFILES,
  PUSH_KINDS,
  type WarpEnv,
  type LogLevel,
  type BackendKind,
  type ToolProfile,
  type PushKind,
} from './env.js';
export {
  resolveNatsConnection,
  redactUrl,
  redactSecrets,
  natsUrlProblem,
  natsUrlRequiresTls,
  type NatsConnectionOptions,
  type NatsTransport,
} from './nats-url.js';
export { natsTlsFiles, type NatsTlsFiles, type NatsTlsVariables } from './nats-tls.js';
export { loadNatsCreds, type NatsCreds } from './nats-creds.js';
export {
  loadProjectConfig,
  findProjectConfig,
  parseProjectConfig,
  parseDuration,
  CONFIG_FILE_NAME,
  DEFAULT_CHANNELS,
  type ChannelConfig,
  type ProjectConfig,
} from './project-config.js';
export {
  resolveNamespace,
  readGitRemoteUrl,
  normalizeGitRemote,
  slugifyNamespace,
  type NamespaceInput,
  type NamespaceSource,
  type ResolvedNamespace,
} from './namespace.js';
export { findProjectRoot, resolveExisting } from './project-root.js';
export { createLogger, type Logger, type LogFields, type LoggerOptions } from './logger.js';
