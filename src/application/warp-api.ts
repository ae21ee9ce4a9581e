import type { Subscription } from '../ports/index.js';
import type { createChannel } from './channels/create-channel.js';
import type { listChannels } from './channels/list-channels.js';
import type { readMessages } from './channels/read-messages.js';
import type { sendMessage } from './channels/send-message.js';
import type { agentDigest, DigestMoment } from './digest/agent-digest.js';
import type { Surfaced } from './digest/surfaced.js';
import type { inboxStatus } from './direct/inbox-status.js';
import type { readDirectMessages } from './direct/read-direct-messages.js';
import type { sendDirectMessage } from './direct/send-direct-message.js';
import type { discardDeadLetterItem } from './dlq/discard-dead-letter-item.js';
import type { listDeadLetterItems } from './dlq/list-dead-letter-items.js';
import type { retryDeadLetterItem } from './dlq/retry-dead-letter-item.js';
import type { getMyHandle } from './identity/get-my-handle.js';
import type { setHandle } from './identity/set-handle.js';
import type { Push, PushKind } from './push/agent-feed.js';
import type { Update } from './push/session-watch.js';
import type { deregisterAgent } from './registry/deregister-agent.js';
import type { discoverAgents, getAgentInfo } from './registry/discover-agents.js';
import type { registerAgent } from './registry/register-agent.js';
import type { updatePresence } from './registry/update-presence.js';
import type { listReservations } from './reservations/list-reservations.js';
import type { releasePaths } from './reservations/release-paths.js';
import type { reservePaths } from './reservations/reserve-paths.js';
import type { waitForMessages } from './wait/wait-for-messages.js';
import type { broadcastWorkOffer } from './work/broadcast-work-offer.js';
import type { claimWork } from './work/claim-work.js';
import type { completeWork } from './work/complete-work.js';
import type { failWork } from './work/fail-work.js';
import type { getWorkItem } from './work/get-work-item.js';
import type { listWork } from './work/list-work.js';
import type { reportWorkProgress } from './work/report-work-progress.js';

/** The input and result of a use case `(deps, input) => Promise<result>`, so the port follows the use cases' own types. */
type In<U extends (deps: never, input: never) => Promise<unknown>> = Parameters<U>[1];
type Out<U extends (...args: never[]) => Promise<unknown>> = ReturnType<U>;

/**
 * The application port: every operation the driving adapters (MCP tools, CLI, web dashboard,
 * hook endpoint) use, for one session. All are async, so an implementation may open its backend
 * on first use or live in another process. A call rejects with a DomainError (rejected),
 * BackendUnavailable (try again) or a configuration error (fix it, then call again).
 */
export interface WarpApi {
  setHandle(input: In<typeof setHandle>): Out<typeof setHandle>;
  getMyHandle(): Out<typeof getMyHandle>;
  listChannels(): Out<typeof listChannels>;
  createChannel(input: In<typeof createChannel>): Out<typeof createChannel>;
  sendMessage(input: In<typeof sendMessage>): Out<typeof sendMessage>;
  readMessages(input: In<typeof readMessages>): Out<typeof readMessages>;
  registerAgent(input: In<typeof registerAgent>): Out<typeof registerAgent>;
  discoverAgents(input: In<typeof discoverAgents>): Out<typeof discoverAgents>;
  getAgentInfo(input: In<typeof getAgentInfo>): Out<typeof getAgentInfo>;
  updatePresence(input: In<typeof updatePresence>): Out<typeof updatePresence>;
  deregisterAgent(): Out<typeof deregisterAgent>;
  sendDirectMessage(input: In<typeof sendDirectMessage>): Out<typeof sendDirectMessage>;
  readDirectMessages(input: In<typeof readDirectMessages>): Out<typeof readDirectMessages>;
  inboxStatus(): Out<typeof inboxStatus>;
  broadcastWorkOffer(input: In<typeof broadcastWorkOffer>): Out<typeof broadcastWorkOffer>;
  claimWork(input: In<typeof claimWork>): Out<typeof claimWork>;
  completeWork(input: In<typeof completeWork>): Out<typeof completeWork>;
  failWork(input: In<typeof failWork>): Out<typeof failWork>;
  reportWorkProgress(input: In<typeof reportWorkProgress>): Out<typeof reportWorkProgress>;
  getWorkItem(input: In<typeof getWorkItem>): Out<typeof getWorkItem>;
  listWork(input: In<typeof listWork>): Out<typeof listWork>;
  listDeadLetterItems(input: In<typeof listDeadLetterItems>): Out<typeof listDeadLetterItems>;
  retryDeadLetterItem(input: In<typeof retryDeadLetterItem>): Out<typeof retryDeadLetterItem>;
  discardDeadLetterItem(input: In<typeof discardDeadLetterItem>): Out<typeof discardDeadLetterItem>;
  reservePaths(input: In<typeof reservePaths>): Out<typeof reservePaths>;
  releasePaths(input: In<typeof releasePaths>): Out<typeof releasePaths>;
  listReservations(input: In<typeof listReservations>): Out<typeof listReservations>;
  waitForMessages(input: In<typeof waitForMessages>): Out<typeof waitForMessages>;
  /** What is new for the agent at a turn boundary (Claude Code hooks), each item once per `surfaced`. */
  agentDigest(surfaced: Surfaced, moment: DigestMoment): Out<typeof agentDigest>;
  /** Pushes for the agent (DMs, mentions, qualified work) until the subscription is closed. */
  startAgentFeed(kinds: ReadonlySet<PushKind>, push: (p: Push) => void): Promise<Subscription>;
  /** Resource change hints (a channel got a message, the inbox got one). */
  watchUpdates(listener: (update: Update) => void): Promise<Subscription>;
  /** Called when work changes (offer, claim, progress, end) as it reaches this session's read model. */
  watchWork(listener: () => void): Promise<Subscription>;
}
