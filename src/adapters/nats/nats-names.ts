import { type StreamConfig, StorageType, JetStreamApiError, type JetStreamManager } from '@nats-io/jetstream';

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
export const channelStream = (ns: string, channel: string): string =>
  `WARP_CH_${assertToken(ns)}_${assertToken(channel)}`;
export const channelSubject = (ns: string, channel: string): string =>
  `warp.ch.${assertToken(ns)}.${assertToken(channel)}`;
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
    const differs = (Object.keys(config) as Array<keyof StreamConfig>).some(
      (k) => JSON.stringify(info.config[k]) !== JSON.stringify(config[k]),
    );
    if (differs) await jsm.streams.update(config.name, { ...info.config, ...config });
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== 10059) throw error;
    await jsm.streams.add({ storage: StorageType.File, ...config });
  }
}

export const eventsStreamConfig = (
  ns: string,
  kind: string,
  replicas: number,
): Partial<StreamConfig> & { name: string } => ({
  name: eventsStream(ns, kind),
  subjects: [`warp.ev.${assertToken(ns)}.${assertToken(kind)}.>`],
  num_replicas: replicas,
  duplicate_window: nanos(120_000),
  // Compaction replaces a finished aggregate's subject with one snapshot message (Nats-Rollup: sub).
  allow_rollup_hdrs: true,
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
