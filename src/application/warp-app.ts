import type { ChannelEvent, WorkItemEvent } from '../domain/index.js';
import type { Subscription } from '../ports/index.js';
import { startAgentFeed } from './push/agent-feed.js';
import { watchUpdates } from './push/session-watch.js';
import { createChannel, type CreateChannelInput } from './channels/create-channel.js';
import { listChannels } from './channels/list-channels.js';
import { readMessages } from './channels/read-messages.js';
import { sendMessage } from './channels/send-message.js';
import { syncConfiguredChannels } from './channels/sync-configured-channels.js';
import { inboxStatus } from './direct/inbox-status.js';
import { readDirectMessages } from './direct/read-direct-messages.js';
import { sendDirectMessage } from './direct/send-direct-message.js';
import { discardDeadLetterItem } from './dlq/discard-dead-letter-item.js';
import { listDeadLetterItems } from './dlq/list-dead-letter-items.js';
import { retryDeadLetterItem } from './dlq/retry-dead-letter-item.js';
import { getMyHandle } from './identity/get-my-handle.js';
import { setHandle } from './identity/set-handle.js';
import { deregisterAgent } from './registry/deregister-agent.js';
import { discoverAgents, getAgentInfo } from './registry/discover-agents.js';
import { beat, goOffline, runHeartbeat } from './registry/heartbeat.js';
import { catchUpChannel } from './channels/catch-up-channel.js';
import { registerAgent } from './registry/register-agent.js';
import { updatePresence } from './registry/update-presence.js';
import type { AppDeps } from './shared/deps.js';
import { listReservations } from './reservations/list-reservations.js';
import { releasePaths } from './reservations/release-paths.js';
import { reservePaths } from './reservations/reserve-paths.js';
import { waitForMessages } from './wait/wait-for-messages.js';
import { agentDigest } from './digest/agent-digest.js';
import type { WarpApi } from './warp-api.js';
import { broadcastWorkOffer } from './work/broadcast-work-offer.js';
import { claimWork } from './work/claim-work.js';
import { completeWork } from './work/complete-work.js';
import { failWork } from './work/fail-work.js';
import { reportWorkProgress } from './work/report-work-progress.js';
import { getWorkItem } from './work/get-work-item.js';
import { listWork } from './work/list-work.js';
import { runMaintenance } from './work/maintenance.js';

type UseCase<I, O> = (deps: AppDeps, input: I) => Promise<O>;
const bind =
  <I, O>(deps: AppDeps, useCase: UseCase<I, O>) =>
  (input: I): Promise<O> =>
    useCase(deps, input);

/** The port in process, with the session's dependencies for composition and tests; driving adapters see only WarpApi. */
export interface WarpApp extends WarpApi {
  readonly deps: AppDeps;
}

/** Every operation of Warp, bound to one session's dependencies. */
export function createWarpApp(deps: AppDeps): WarpApp {
  return {
    deps,
    setHandle: bind(deps, setHandle),
    getMyHandle: () => getMyHandle(deps),
    listChannels: () => listChannels(deps),
    createChannel: bind(deps, createChannel),
    sendMessage: bind(deps, sendMessage),
    readMessages: bind(deps, readMessages),
    registerAgent: bind(deps, registerAgent),
    discoverAgents: bind(deps, discoverAgents),
    getAgentInfo: bind(deps, getAgentInfo),
    updatePresence: bind(deps, updatePresence),
    deregisterAgent: () => deregisterAgent(deps),
    sendDirectMessage: bind(deps, sendDirectMessage),
    readDirectMessages: bind(deps, readDirectMessages),
    inboxStatus: () => inboxStatus(deps),
    broadcastWorkOffer: bind(deps, broadcastWorkOffer),
    claimWork: bind(deps, claimWork),
    completeWork: bind(deps, completeWork),
    failWork: bind(deps, failWork),
    reportWorkProgress: bind(deps, reportWorkProgress),
    getWorkItem: bind(deps, getWorkItem),
    listWork: bind(deps, listWork),
    listDeadLetterItems: bind(deps, listDeadLetterItems),
    retryDeadLetterItem: bind(deps, retryDeadLetterItem),
    discardDeadLetterItem: bind(deps, discardDeadLetterItem),
    reservePaths: bind(deps, reservePaths),
    releasePaths: bind(deps, releasePaths),
    listReservations: bind(deps, listReservations),
    waitForMessages: bind(deps, waitForMessages),
    agentDigest: (surfaced, moment) => agentDigest(deps, surfaced, moment),
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
