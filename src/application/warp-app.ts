import type { ChannelEvent, WorkItemEvent } from '../domain/index.js';
import type { Subscription } from '../ports/index.js';
import { startAgentFeed } from './push/agent-feed.js';
import { watchUpdates } from './push/session-watch.js';
import type { CreateChannelInput } from './channels/create-channel.js';
import { syncConfiguredChannels } from './channels/sync-configured-channels.js';
import { beat, goOffline, runHeartbeat } from './registry/heartbeat.js';
import { catchUpChannel } from './channels/catch-up-channel.js';
import { operationMethods, runOperation } from './operations.js';
import type { AppDeps } from './shared/deps.js';
import type { WarpApi } from './warp-api.js';
import { runMaintenance } from './work/maintenance.js';

/** The port in process, with the session's dependencies for composition and tests; driving adapters see only WarpApi. */
export interface WarpApp extends WarpApi {
  readonly deps: AppDeps;
}

/** Every operation of Warp, bound to one session's dependencies. */
export function createWarpApp(deps: AppDeps): WarpApp {
  return {
    deps,
    ...operationMethods((name, input) => runOperation(name, deps, input)),
    startAgentFeed: (kinds, push) => startAgentFeed(deps, kinds, push),
    watchUpdates: (listener) => watchUpdates(deps, listener),
    watchWork: (listener) => {
      const stop = deps.work.observe(() => listener());
      return Promise.resolve({ close: async () => void stop() });
    },
  };
}

export interface RunningSession {
  /** Says offline (when registered) and stops background work. */
  stop(): Promise<void>;
}

export interface SessionOptions {
  /** Sweep, compact and purge in this session (memory mode, where no hub does it). */
  readonly maintain?: boolean;
}

/** Catches the read models up with the store, applies configured channels and starts the heartbeat (and upkeep). */
export async function startSession(
  deps: AppDeps,
  configuredChannels: readonly CreateChannelInput[],
  onError: (error: unknown) => void,
  options: SessionOptions = {},
): Promise<RunningSession> {
  const ns = deps.session.namespace;
  const subscriptions = [
    await deps.events.subscribe<ChannelEvent>(ns, 'channel', (batch) => deps.channels.apply(batch)),
    await deps.events.subscribe<WorkItemEvent>(ns, 'work', (batch) => deps.work.apply(batch)),
  ];
  await syncConfiguredChannels(deps, configuredChannels);
  return keepAlive(
    deps,
    subscriptions,
    onError,
    { beat: () => beat(deps), goOffline: () => goOffline(deps) },
    options.maintain ?? false,
  );
}

/** What a thin session leaves to the authority that keeps its namespace's state (the hub). */
export interface Authority {
  syncChannels(channels: readonly CreateChannelInput[]): Promise<void>;
  beat(): Promise<void>;
  goOffline(): Promise<void>;
}

/** A thin session, and how to start hearing of work as it changes (only watches need it: work is pushed from the hub's offer notices). */
export interface ThinRunningSession extends RunningSession {
  /** Starts following the namespace's work events into `deps.work`'s observers, once; later calls share it. */
  followWork(): Promise<void>;
}

/**
 * A session whose commands and queries over shared state are answered by `authority`: it replays
 * only the channel directory (bounded by the channel limit), and follows work events only once
 * a watch listens, so its start-up and memory do not depend on the namespace's history and an
 * agent or a CLI command decodes no work at all.
 */
export async function startThinSession(
  deps: AppDeps,
  authority: Authority,
  configuredChannels: readonly CreateChannelInput[],
  onError: (error: unknown) => void,
): Promise<ThinRunningSession> {
  const ns = deps.session.namespace;
  const subscriptions: Subscription[] = [
    await deps.events.subscribe<ChannelEvent>(ns, 'channel', (batch) => deps.channels.apply(batch)),
  ];
  try {
    if (configuredChannels.length > 0) await authority.syncChannels(configuredChannels);
    for (const channel of configuredChannels) await catchUpChannel(deps, channel.name);
  } catch (error) {
    await Promise.all(subscriptions.map((s) => s.close()));
    throw error;
  }
  let following: Promise<void> | undefined;
  const followWork = (): Promise<void> =>
    (following ??= deps.events
      .follow<WorkItemEvent>(ns, 'work', (batch) => deps.work.announce(batch))
      .then((subscription) => void subscriptions.push(subscription))
      .catch((error: unknown) => {
        following = undefined;
        throw error;
      }));
  return { ...keepAlive(deps, subscriptions, onError, authority, false), followWork };
}

function keepAlive(
  deps: AppDeps,
  subscriptions: readonly Subscription[],
  onError: (error: unknown) => void,
  presence: Pick<Authority, 'beat' | 'goOffline'>,
  maintain: boolean,
): RunningSession {
  const heartbeat = new AbortController();
  const beating = runHeartbeat(deps, heartbeat.signal, onError, () => presence.beat());
  const upkeep = maintain ? runMaintenance(deps, heartbeat.signal, onError) : undefined;
  return {
    async stop() {
      heartbeat.abort();
      await beating;
      await upkeep;
      await presence.goOffline().catch(onError);
      await Promise.all(subscriptions.map((s) => s.close()));
    },
  };
}
