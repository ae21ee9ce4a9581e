import type { NatsConnection } from '@nats-io/nats-core';
import { Svcm } from '@nats-io/services';
import { z } from 'zod';
import type { Logger, WarpEnv } from '../config/index.js';
import {
  hubValues,
  isHubSetting,
  settingDifferences,
  whereToSet,
  type HubWithSettings,
} from '../config/setting-owners.js';
import { HUB_SERVICE } from './hub-protocol.js';

/** One hub as `warp status` and `warp doctor` show it. */
export interface HubSummary extends HubWithSettings {
  readonly id: string;
  readonly version: string;
  readonly hostname: string;
  readonly pid: number;
  readonly uptimeMs: number;
  readonly requests: number;
  readonly errors: number;
  /** How far behind its event feed each namespace it serves is, in stored batches not yet applied. */
  readonly lag: Readonly<Record<string, number>>;
  /** Stored values the hub skipped (undecodable, or rejected on replay), by source. */
  readonly skipped: Readonly<Record<string, number>>;
  /** Requests turned away before any work (ADR 0030, 0031): dropped for their reply subject, or refused by rate and bounds. */
  readonly turnedAway: Readonly<Record<string, number>>;
  /** The hubs it knows of, itself included (ADR 0038). */
  readonly knows: number;
  /** The settings it applies for every session (ADR 0035), from its metadata; none from a hub of an older Warp. */
  readonly settings: Readonly<Record<string, string>>;
}

const statsSchema = z.object({
  id: z.string(),
  version: z.string(),
  started: z.string(),
  metadata: z.record(z.string(), z.string()).optional(),
  endpoints: z
    .array(z.object({ num_requests: z.number(), num_errors: z.number(), data: z.unknown().optional() }))
    .optional(),
});

const dataSchema = z.object({
  lag: z.record(z.string(), z.number()),
  skipped: z.record(z.string(), z.number()).optional(),
  admission: z.record(z.string(), z.number()).optional(),
  hubs: z.number().optional(),
  addressed: z.number().optional(),
});

/** The hubs that answer on this NATS within `waitMs`, from the services framework's STATS discovery. */
export async function discoverHubs(nc: NatsConnection, now: number, waitMs = 1_000): Promise<HubSummary[]> {
  const client = new Svcm(nc as never).client({ strategy: 'stall', maxWait: waitMs } as never);
  const hubs: HubSummary[] = [];
  for await (const raw of await client.stats(HUB_SERVICE)) {
    const stats = statsSchema.safeParse(raw);
    if (!stats.success) continue;
    const { id, version, started, metadata, endpoints = [] } = stats.data;
    const data = endpoints.map((e) => dataSchema.safeParse(e.data)).find((d) => d.success)?.data;
    hubs.push({
      id,
      version,
      hostname: metadata?.['hostname'] ?? '?',
      pid: Number(metadata?.['pid'] ?? 0),
      uptimeMs: Math.max(0, now - Date.parse(started)),
      // Requests sent straight to the hub, or passed on to it, reach no endpoint: it counts them itself.
      requests: endpoints.reduce((n, e) => n + e.num_requests, 0) + (data?.addressed ?? 0),
      errors: endpoints.reduce((n, e) => n + e.num_errors, 0),
      lag: data?.lag ?? {},
      skipped: data?.skipped ?? {},
      turnedAway: data?.admission ?? {},
      knows: data?.hubs ?? 1,
      settings: Object.fromEntries(Object.entries(metadata ?? {}).filter(([name]) => isHubSetting(name))),
    });
  }
  return hubs.sort((a, b) => a.id.localeCompare(b.id));
}

/** One line per hub, for people. */
export const describeHub = (h: HubSummary): string => {
  const lag = Object.entries(h.lag)
    .map(([ns, n]) => `${ns} ${n}`)
    .join(', ');
  const skipped = Object.values(h.skipped).reduce((n, c) => n + c, 0);
  const away = Object.entries(h.turnedAway)
    .filter(([, n]) => n > 0)
    .map(([why, n]) => `${n} ${why}`)
    .join(', ');
  return `hub ${h.id} v${h.version} on ${h.hostname} (pid ${h.pid}), up ${Math.round(h.uptimeMs / 1000)} s, ${h.requests} requests, lag ${lag || 'none'}, ${skipped} stored values skipped${away ? `, turned away: ${away}` : ''}`;
};

/**
 * At a session's start: one WARN line for each setting its environment sets that a hub applies
 * with another value (ADR 0035), naming the setting, both values and where to set it.
 */
export async function warnOfHubSettings(
  nc: NatsConnection,
  env: WarpEnv,
  processEnv: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<void> {
  const hubs = await discoverHubs(nc, Date.now());
  for (const difference of settingDifferences(env, processEnv, hubs))
    if (difference.setHere)
      logger.warn("a setting of this session is not the hub's, and the hub's applies", {
        setting: difference.name,
        session: difference.here,
        hub: hubValues(difference),
        setIn: whereToSet(difference.hubs),
      });
}
