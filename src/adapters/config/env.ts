import { resolve } from 'node:path';
import { z } from 'zod';
import { NAME_PATTERN, WORK_POLICY, type Range } from '../../domain/index.js';
import { ConfigError } from './config-error.js';
import { natsUrlProblem } from './nats-url.js';
import { natsTlsFiles, type NatsTlsFiles } from './nats-tls.js';

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const BACKENDS = ['nats', 'memory'] as const;
export type BackendKind = (typeof BACKENDS)[number];

/** Groups and roles of MCP tools that WARP_TOOLS can list; every listed tool costs the agent context. */
export const TOOL_PROFILES = [
  'identity',
  'channels',
  'wait',
  'registry',
  'direct',
  'work',
  'dlq',
  'files',
  'worker',
  'chat',
  'coordinator',
] as const;
export type ToolProfile = (typeof TOOL_PROFILES)[number];

/** What WARP_PUSH can wake the agent for. */
export const PUSH_KINDS = ['dm', 'mentions', 'work'] as const;
export type PushKind = (typeof PUSH_KINDS)[number];

export interface WarpEnv {
  readonly natsUrl: string;
  readonly natsUser?: string;
  readonly natsPass?: string;
  /** NATS_CREDS: a `.creds` file (absolute); an agent's carries its identity (ADR 0022). */
  readonly natsCreds?: string;
  /** Set when NATS_CA, NATS_CERT or NATS_KEY is (only allowed with tls:// or wss://). */
  readonly natsTls?: NatsTlsFiles;
  /** Absolute. */
  readonly projectPath: string;
  readonly logLevel: LogLevel;
  readonly ackTimeoutMs: number;
  readonly maxAttempts: number;
  readonly dlqTtlMs: number;
  readonly workRetentionMs: number;
  readonly backend: BackendKind;
  /** `external`: never start a hub; `auto`: a session on an open NATS starts one when none answers. */
  readonly hub: 'auto' | 'external';
  readonly namespace?: string;
  readonly heartbeatMs: number;
  readonly staleAfterMs: number;
  readonly maxMessageBytes: number;
  readonly replicas: number;
  /** Default and ceiling of each channel's retention, and channels per project. */
  readonly channelMaxMessages: number;
  readonly channelMaxBytes: number;
  readonly maxChannels: number;
  /** Bytes one project's channels may reserve together (the sum of their maxBytes); 0: no bound. */
  readonly projectChannelsMaxBytes: number;
  readonly tools: ReadonlySet<ToolProfile>;
  readonly push: ReadonlySet<PushKind>;
  /** How long `warp hub` outlives its NATS server. */
  readonly hubOrphanMs: number;
  /** Requests a second the hub answers one credentialed agent (a burst of twice that is allowed). */
  readonly hubRate: number;
  /** WARP_UPKEEP_MS: how often a hub sweeps leases, compacts and purges (ms). */
  readonly upkeepMs: number;
  /** WARP_CHECKPOINT_MS: how often a hub checkpoints its read models (ms). */
  readonly checkpointMs: number;
  /** The hub caps each of a project's event streams at this many bytes (0: no quota but the account's). */
  readonly projectMaxBytes: number;
}

export const DEFAULT_NATS_URL = 'nats://localhost:4222';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MIB = 1_048_576;
const GIB = 1024 * MIB;

// Docker's `-e VAR=` yields an empty string: treat it as unset.
const text = z
  .string()
  .optional()
  .transform((v) => (v?.trim() ? v.trim() : undefined));

const integer = (fallback: number, min: number, max: number) =>
  text.transform((v, ctx) => {
    if (v === undefined) return fallback;
    const n = /^\d+$/.test(v) ? Number(v) : Number.NaN;
    if (Number.isSafeInteger(n) && n >= min && n <= max) return n;
    ctx.addIssue({
      code: 'custom',
      message: `expected a whole number from ${min} to ${max} (got ${JSON.stringify(v)})`,
    });
    return z.NEVER;
  });

/** A setting whose range (and default) the domain defines. */
const within = (range: Range) => integer(range.default, range.min, range.max);

const choice = <T extends string>(options: readonly T[], fallback: T, normalize: (v: string) => string) =>
  text.transform((v, ctx) => {
    const value = v === undefined ? fallback : normalize(v);
    if ((options as readonly string[]).includes(value)) return value as T;
    ctx.addIssue({ code: 'custom', message: `expected one of ${options.join(', ')} (got ${JSON.stringify(v)})` });
    return z.NEVER;
  });

/** A comma list of names from `options`, or `all` (and `none` when allowed). */
const nameSet = <T extends string>(options: readonly T[], allowNone: boolean) =>
  text.transform((v, ctx) => {
    const words = (v ?? 'all')
      .split(',')
      .map((w) => w.trim().toLowerCase())
      .filter(Boolean);
    const valid = [...options, 'all', ...(allowNone ? ['none'] : [])];
    const unknown = words.filter((w) => !valid.includes(w));
    const problem =
      unknown.length > 0
        ? `unknown ${unknown.map((w) => JSON.stringify(w)).join(', ')}; valid: ${valid.join(', ')}`
        : words.length === 0
          ? `expected a comma list of ${valid.join(', ')}`
          : words.includes('none') && words.length > 1
            ? '"none" cannot be combined with other values'
            : undefined;
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
    if (words.includes('all')) return new Set<T>(options);
    return new Set(words.filter((w) => w !== 'none') as T[]);
  });

const envSchema = z.object({
  NATS_URL: text.transform((v, ctx) => {
    const url = v ?? DEFAULT_NATS_URL;
    const problem = natsUrlProblem(url);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
    return url;
  }),
  NATS_USER: text,
  NATS_PASS: z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined)), // spaces may be part of a password
  NATS_CREDS: text,
  NATS_CA: text,
  NATS_CERT: text,
  NATS_KEY: text,
  MCP_PROJECT_PATH: text,
  LOG_LEVEL: choice(LOG_LEVELS, 'INFO', (v) => v.toUpperCase()),
  // A work item's policy: the offering session's, within the bounds the hub holds every offer to (ADR 0035).
  WORKQUEUE_ACK_TIMEOUT: within(WORK_POLICY.leaseMs),
  WORKQUEUE_MAX_ATTEMPTS: within(WORK_POLICY.maxAttempts),
  WORKQUEUE_DLQ_TTL: within(WORK_POLICY.dlqTtlMs),
  WARP_WORK_RETENTION: integer(7 * DAY, 1_000, 3650 * DAY),
  WARP_BACKEND: choice(BACKENDS, 'nats', (v) => v.toLowerCase()),
  WARP_HUB: choice(['auto', 'external'] as const, 'auto', (v) => v.toLowerCase()),
  WARP_NAMESPACE: text.transform((v, ctx) => {
    if (v === undefined || NAME_PATTERN.test(v)) return v;
    ctx.addIssue({
      code: 'custom',
      message: `expected 1-64 lowercase letters, digits or dashes, starting with a letter or digit (got ${JSON.stringify(v)})`,
    });
    return z.NEVER;
  }),
  WARP_HEARTBEAT_MS: integer(30_000, 10, HOUR),
  WARP_STALE_AFTER_MS: integer(90_000, 20, DAY),
  // 1 MiB is nats-server's default max_payload.
  WARP_MAX_MESSAGE_BYTES: integer(65_536, 1, 1_048_576),
  WARP_REPLICAS: integer(1, 1, 5),
  // Default and ceiling of every channel's retention (so one agent cannot fill the disk), and channels per project.
  WARP_CHANNEL_MAX_MESSAGES: integer(100_000, 1, 1_000_000_000),
  WARP_CHANNEL_MAX_BYTES: integer(64 * MIB, 1_024, 1_024 * 1_024 * GIB),
  WARP_MAX_CHANNELS: integer(256, 1, 100_000),
  // A channel's maxBytes is held back of the server's storage from its creation: a project's channels
  // reserve at most this together, so one project cannot take what every other one needs (0: no bound).
  WARP_PROJECT_CHANNELS_MAX_BYTES: integer(GIB, 0, 1_024 * 1_024 * GIB),
  WARP_TOOLS: nameSet(TOOL_PROFILES, false),
  WARP_PUSH: nameSet(PUSH_KINDS, true),
  // Long enough for a NATS restart, short enough that a hub does not linger for good.
  WARP_HUB_ORPHAN_MS: integer(60_000, 100, DAY),
  WARP_HUB_RATE: integer(200, 1, 100_000),
  // A hub's upkeep (lease sweep, compaction, retention) and checkpoints; short ones are for load tests.
  WARP_UPKEEP_MS: integer(60_000, 100, DAY),
  WARP_CHECKPOINT_MS: integer(300_000, 100, DAY),
  // 0: a project may use all of the account's storage. A limit reserves that much of the account's.
  WARP_PROJECT_MAX_BYTES: integer(0, 0, 1_024 * 1_024 * GIB),
});

/**
 * Reads Warp's settings from the environment, with defaults; throws one ConfigError
 * naming every bad variable and what it expects.
 *
 * @example loadEnv({ WARP_BACKEND: 'memory' }, '/repo').backend // 'memory'
 */
export function loadEnv(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): WarpEnv {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; '));
  }
  const e = parsed.data;
  if (e.WARP_STALE_AFTER_MS <= e.WARP_HEARTBEAT_MS) {
    throw new ConfigError(
      `WARP_STALE_AFTER_MS: expected more than WARP_HEARTBEAT_MS (${e.WARP_HEARTBEAT_MS}), ideally 3 times it (got ${e.WARP_STALE_AFTER_MS})`,
    );
  }
  if (e.WARP_PROJECT_CHANNELS_MAX_BYTES > 0 && e.WARP_PROJECT_CHANNELS_MAX_BYTES < e.WARP_CHANNEL_MAX_BYTES) {
    throw new ConfigError(
      `WARP_PROJECT_CHANNELS_MAX_BYTES: expected 0 (no bound) or at least WARP_CHANNEL_MAX_BYTES (${e.WARP_CHANNEL_MAX_BYTES}), ` +
        `so that a channel with the default maxBytes fits (got ${e.WARP_PROJECT_CHANNELS_MAX_BYTES})`,
    );
  }
  const natsTls = natsTlsFiles(e.NATS_URL, { NATS_CA: e.NATS_CA, NATS_CERT: e.NATS_CERT, NATS_KEY: e.NATS_KEY }, cwd);
  return {
    natsUrl: e.NATS_URL,
    ...(e.NATS_USER !== undefined ? { natsUser: e.NATS_USER } : {}),
    ...(e.NATS_PASS !== undefined ? { natsPass: e.NATS_PASS } : {}),
    ...(natsTls !== undefined ? { natsTls } : {}),
    ...(e.NATS_CREDS !== undefined ? { natsCreds: resolve(cwd, e.NATS_CREDS) } : {}),
    projectPath: resolve(cwd, e.MCP_PROJECT_PATH ?? '.'),
    logLevel: e.LOG_LEVEL,
    ackTimeoutMs: e.WORKQUEUE_ACK_TIMEOUT,
    maxAttempts: e.WORKQUEUE_MAX_ATTEMPTS,
    dlqTtlMs: e.WORKQUEUE_DLQ_TTL,
    workRetentionMs: e.WARP_WORK_RETENTION,
    backend: e.WARP_BACKEND,
    hub: e.WARP_HUB,
    ...(e.WARP_NAMESPACE !== undefined ? { namespace: e.WARP_NAMESPACE } : {}),
    heartbeatMs: e.WARP_HEARTBEAT_MS,
    staleAfterMs: e.WARP_STALE_AFTER_MS,
    maxMessageBytes: e.WARP_MAX_MESSAGE_BYTES,
    replicas: e.WARP_REPLICAS,
    channelMaxMessages: e.WARP_CHANNEL_MAX_MESSAGES,
    channelMaxBytes: e.WARP_CHANNEL_MAX_BYTES,
    maxChannels: e.WARP_MAX_CHANNELS,
    projectChannelsMaxBytes: e.WARP_PROJECT_CHANNELS_MAX_BYTES,
    tools: e.WARP_TOOLS,
    push: e.WARP_PUSH,
    hubOrphanMs: e.WARP_HUB_ORPHAN_MS,
    hubRate: e.WARP_HUB_RATE,
    upkeepMs: e.WARP_UPKEEP_MS,
    checkpointMs: e.WARP_CHECKPOINT_MS,
    projectMaxBytes: e.WARP_PROJECT_MAX_BYTES,
  };
}
