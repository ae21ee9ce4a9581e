import type { WarpEnv } from './env.js';

/**
 * The settings a hub applies on NATS, whatever a session's environment says (ADR 0035): the hub
 * tells them (its services metadata), and a session or `warp doctor` whose own value differs says so.
 * The rest are a session's own (they act where it runs: NATS_*, LOG_LEVEL, WARP_HEARTBEAT_MS,
 * WARP_TOOLS, WARP_PUSH, …) or the work item's (WORKQUEUE_*, which travel with the offer).
 */
export const HUB_SETTINGS = {
  WARP_STALE_AFTER_MS: (e) => e.staleAfterMs,
  WARP_MAX_MESSAGE_BYTES: (e) => e.maxMessageBytes,
  WARP_WORK_RETENTION: (e) => e.workRetentionMs,
  WARP_CHANNEL_MAX_MESSAGES: (e) => e.channelMaxMessages,
  WARP_CHANNEL_MAX_BYTES: (e) => e.channelMaxBytes,
  WARP_PROJECT_CHANNELS_MAX_BYTES: (e) => e.projectChannelsMaxBytes,
  WARP_MAX_CHANNELS: (e) => e.maxChannels,
  WARP_REPLICAS: (e) => e.replicas,
  WARP_PROJECT_MAX_BYTES: (e) => e.projectMaxBytes,
  WARP_HUB_RATE: (e) => e.hubRate,
  WARP_HUB_ORPHAN_MS: (e) => e.hubOrphanMs,
  WARP_UPKEEP_MS: (e) => e.upkeepMs,
  WARP_CHECKPOINT_MS: (e) => e.checkpointMs,
} as const satisfies Record<string, (env: WarpEnv) => number>;

export type HubSettingName = keyof typeof HUB_SETTINGS;

const NAMES = Object.keys(HUB_SETTINGS) as HubSettingName[];

export const isHubSetting = (name: string): name is HubSettingName => Object.hasOwn(HUB_SETTINGS, name);

/**
 * What a hub tells of its settings: each by its variable's name, as a string (services metadata
 * holds strings).
 *
 * @example hubSettingsOf(loadEnv({}))['WARP_STALE_AFTER_MS'] // '90000'
 */
export const hubSettingsOf = (env: WarpEnv): Record<HubSettingName, string> =>
  Object.fromEntries(NAMES.map((name) => [name, String(HUB_SETTINGS[name](env))])) as Record<HubSettingName, string>;

/** A hub as far as its settings go: those it told, by name (a hub of an older Warp tells none). */
export interface HubWithSettings {
  readonly id: string;
  readonly hostname: string;
  readonly pid: number;
  readonly settings: Readonly<Record<string, string>>;
}

/** One setting whose value here is not what a hub applies. */
export interface SettingDifference {
  readonly name: HubSettingName;
  readonly here: string;
  /** Whether this process's environment sets it; if not, `here` is its default. */
  readonly setHere: boolean;
  /** The hubs that apply another value, with theirs. */
  readonly hubs: ReadonlyArray<HubWithSettings & { readonly value: string }>;
}

/**
 * The hub settings whose value in `env` differs from one a hub tells, in the table's order.
 * `processEnv` says which of them this process's environment sets.
 */
export function settingDifferences(
  env: WarpEnv,
  processEnv: NodeJS.ProcessEnv,
  hubs: readonly HubWithSettings[],
): SettingDifference[] {
  const here = hubSettingsOf(env);
  return NAMES.flatMap((name) => {
    const differing = hubs.flatMap((hub) => {
      const value = hub.settings[name];
      return value !== undefined && value !== here[name] ? [{ ...hub, value }] : [];
    });
    if (differing.length === 0) return [];
    return [{ name, here: here[name], setHere: Boolean(processEnv[name]?.trim()), hubs: differing }];
  });
}

/** The hubs' values of a difference, for a line: `90000` when they agree, else each with its hub. */
export const hubValues = (difference: SettingDifference): string =>
  new Set(difference.hubs.map((h) => h.value)).size === 1
    ? difference.hubs[0]!.value
    : difference.hubs.map((h) => `${h.value} (hub ${h.id})`).join(', ');

/** Where the hubs' settings are set: the environment of each of `hubs`. */
export const whereToSet = (hubs: readonly HubWithSettings[]): string =>
  `the environment of warp hub (${[...new Map(hubs.map((h) => [h.id, `pid ${h.pid} on ${h.hostname}`])).values()].join(', ')}), ` +
  'which applies it for every session; a hub a session started took that session’s environment';
