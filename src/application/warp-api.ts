import type { Subscription } from '../ports/index.js';
import type { OperationMethods } from './operations.js';
import type { Push, PushKind } from './push/agent-feed.js';
import type { Update } from './push/session-watch.js';

/**
 * The application port: every operation the driving adapters (MCP tools, CLI, web dashboard,
 * hook endpoint) use, for one session — the operations of the table (operations.ts) and the
 * session's live feeds. All are async, so an implementation may open its backend on first use or
 * live in another process. A call rejects with a DomainError (rejected), BackendUnavailable (try
 * again) or a configuration error (fix it, then call again).
 */
export interface WarpApi extends OperationMethods {
  /** Pushes for the agent (DMs, mentions, qualified work) until the subscription is closed. */
  startAgentFeed(kinds: ReadonlySet<PushKind>, push: (p: Push) => void): Promise<Subscription>;
  /** Resource change hints (a channel got a message, the inbox got one). */
  watchUpdates(listener: (update: Update) => void): Promise<Subscription>;
  /** Called when work changes (offer, claim, progress, end) as it reaches this session's read model. */
  watchWork(listener: () => void): Promise<Subscription>;
}

/** The live feeds of WarpApi: what is not a request and answer. */
export type Feeds = Pick<WarpApi, 'startAgentFeed' | 'watchUpdates' | 'watchWork'>;
