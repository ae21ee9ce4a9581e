import {
  type StreamConfig,
  DiscardPolicy,
  StorageType,
  JetStreamApiError,
  type JetStreamManager,
  type StreamInfo,
} from '@nats-io/jetstream';

/** Every subject token Warp builds passes here: defence in depth behind the use cases' validation. */
export function assertToken(value: string): string {
  if (!/^[A-Za-z0-9_-][A-Za-z0-9_-]*$/.test(value) || value.length > 128)
    throw new Error(`unsafe subject token ${JSON.stringify(value)}`);
  return value;
}

export const INBOX_STREAM = 'WARP_INBOX';
export const REGISTRY_BUCKET = 'warp-registry';
export const CURSOR_BUCKET = 'warp-cursors';
export const TOMBSTONE_BUCKET = 'warp-purged';
export const CHECKPOINT_STREAM = 'WARP_CHECKPOINTS';

/** Each namespace's events live in a stream of their own, so one project's history never slows another's. */
/** One stream per namespace and aggregate kind, so one kind's history (finished work) never slows reading another's. */
export const eventsStream = (ns: string, kind: string): string => `WARP_EV_${assertToken(ns)}_${assertToken(kind)}`;
export const eventSubject = (ns: string, kind: string, id: string): string =>
  `warp.ev.${assertToken(ns)}.${assertToken(kind)}.${assertToken(id)}`;
/** A namespace's checkpoint: its chunks under `warp.cp.<ns>.<checkpoint id>`, the newest manifest under `warp.cp.<ns>.head`. */
export const checkpointSubject = (ns: string, part: string): string =>
  `warp.cp.${assertToken(ns)}.${assertToken(part)}`;
/** A namespace's channel streams are named this and the channel (a namespace has no '_'). */
export const channelStreamPrefix = (ns: string): string => `WARP_CH_${assertToken(ns)}_`;
export const channelStream = (ns: string, channel: string): string =>
  `${channelStreamPrefix(ns)}${assertToken(channel)}`;
export const channelSubject = (ns: string, channel: string): string =>
  `warp.ch.${assertToken(ns)}.${assertToken(channel)}`;
/** The subjects of all of a namespace's channels. */
export const channelSubjects = (ns: string): string => `warp.ch.${assertToken(ns)}.*`;
export const inboxSubject = (guid: string): string => `warp.inbox.${assertToken(guid)}`;
export const channelNotice = (ns: string, channel: string): string =>
  `warp.notify.${assertToken(ns)}.ch.${assertToken(channel)}`;
export const directNotice = (guid: string): string => `warp.notify.dm.${assertToken(guid)}`;
/** New work offers in a namespace, announced by the hub that accepted them (only a hub may publish here). */
export const workNotice = (ns: string): string => `warp.notify.${assertToken(ns)}.work`;

export const nanos = (ms: number): number => ms * 1_000_000;
const DAY = 86_400_000;

/** Creates the stream, or updates it when its limits differ (so changed configuration is applied). */
export async function ensureStream(
  jsm: JetStreamManager,
  config: Partial<StreamConfig> & { name: string },
): Promise<void> {
  try {
    const info = await jsm.streams.info(config.name);
    const wanted = keepingStored(info, config);
    const differs = (Object.keys(wanted) as Array<keyof StreamConfig>).some(
      (k) => JSON.stringify(info.config[k]) !== JSON.stringify(wanted[k]),
    );
    if (differs) await jsm.streams.update(config.name, { ...info.config, ...wanted });
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== 10059) throw error;
    await jsm.streams.add({ storage: StorageType.File, ...config });
  }
}

/**
 * A limit that refuses new messages must not remove stored ones, yet nats-server (2.9) drops the
 * oldest messages of a stream whose max_bytes is lowered below what it holds, whatever its discard
 * policy. Such a stream keeps what it holds as its limit (so it takes nothing more) until it is
 * back under the new one, at the next provisioning.
 */
function keepingStored<C extends Partial<StreamConfig>>(info: StreamInfo, config: C): C {
  if (config.discard !== DiscardPolicy.New || config.max_bytes === undefined || config.max_bytes < 0) return config;
  return { ...config, max_bytes: Math.max(config.max_bytes, info.state.bytes) };
}

/**
 * A namespace's events of one kind. With `maxBytes` (WARP_PROJECT_MAX_BYTES, applied by the hub) the
 * stream refuses what would take it past that rather than dropping history; without it (a session),
 * the limits stay as the hub set them.
 */
export const eventsStreamConfig = (
  ns: string,
  kind: string,
  replicas: number,
  maxBytes?: number,
): Partial<StreamConfig> & { name: string } => ({
  name: eventsStream(ns, kind),
  subjects: [`warp.ev.${assertToken(ns)}.${assertToken(kind)}.>`],
  num_replicas: replicas,
  duplicate_window: nanos(120_000),
  // Hubs before ADR 0029 compacted with Nats-Rollup: sub; still allowed, so that they work beside newer ones.
  allow_rollup_hdrs: true,
  ...(maxBytes !== undefined ? { max_bytes: maxBytes, discard: DiscardPolicy.New } : {}),
});

export const inboxStreamConfig = (replicas: number): Partial<StreamConfig> & { name: string } => ({
  name: INBOX_STREAM,
  subjects: ['warp.inbox.*'],
  num_replicas: replicas,
  max_age: nanos(30 * DAY),
  duplicate_window: nanos(120_000),
});

/** Checkpoints only speed a start up: one not refreshed for a day is dropped (a full replay rebuilds it). */
export const checkpointStreamConfig = (replicas: number): Partial<StreamConfig> & { name: string } => ({
  name: CHECKPOINT_STREAM,
  subjects: ['warp.cp.>'],
  num_replicas: replicas,
  max_age: nanos(DAY),
  allow_rollup_hdrs: true,
});
