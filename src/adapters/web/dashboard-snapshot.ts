import type { ReservationView, WarpApi } from '../../application/index.js';
import type { ChannelSummary } from '../../application/channels/list-channels.js';
import type { MessageView } from '../../application/channels/message-view.js';
import type { MyIdentity } from '../../application/identity/get-my-handle.js';
import type { AgentView } from '../../application/registry/agent-view.js';
import type { ListWorkOutput } from '../../application/work/list-work.js';
import type { WorkItemView } from '../../application/work/work-view.js';

/** Recent messages each channel shows; older ones are a `warp read` away. */
export const RECENT_MESSAGES = 25;
/** Longer texts are cut in the snapshot, so a frame stays small however large bodies are. */
export const SHOWN_CHARS = 2_000;
const QUEUE_PAGE = 200;
const DEAD_LETTER_PAGE = 100;

export interface ShownMessage extends MessageView {
  /** The body was cut to SHOWN_CHARS. */
  readonly clipped?: true;
}

export interface ChannelPanel extends ChannelSummary {
  readonly messages: readonly ShownMessage[];
}

/** The fields of a work item the dashboard shows (no context data or results). */
export type ShownWorkItem = Pick<
  WorkItemView,
  | 'workItemId'
  | 'taskId'
  | 'description'
  | 'capability'
  | 'priority'
  | 'status'
  | 'attempts'
  | 'maxAttempts'
  | 'holder'
  | 'leaseExpiresAt'
  | 'progress'
  | 'deadLetterReason'
  | 'deadLetterExpiresAt'
> & { readonly attemptReasons: readonly string[] };

/** Everything the dashboard shows, read through the same use cases the tools and the CLI call. */
export interface DashboardSnapshot {
  /** Server time, so the browser counts leases down without trusting its own clock. */
  readonly now: string;
  readonly me: MyIdentity;
  readonly agents: readonly AgentView[];
  readonly channels: readonly ChannelPanel[];
  readonly work: {
    readonly depth: ListWorkOutput['depth'];
    readonly items: readonly ShownWorkItem[];
    readonly total: number;
  };
  readonly deadLetters: { readonly items: readonly ShownWorkItem[]; readonly total: number };
  /** Direct messages waiting for the operator. */
  readonly inbox: { readonly unread: number };
  /** Live path reservations: who is changing what, why, and until when. */
  readonly reservations: readonly ReservationView[];
}

const clip = (text: string): string => (text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…` : text);

const shownMessage = (m: MessageView): ShownMessage =>
  m.body.length > SHOWN_CHARS ? { ...m, body: clip(m.body), clipped: true } : m;

function shownWork(w: WorkItemView): ShownWorkItem {
  return {
    workItemId: w.workItemId,
    taskId: clip(w.taskId),
    description: clip(w.description),
    capability: w.capability,
    priority: w.priority,
    status: w.status,
    attempts: w.attempts,
    maxAttempts: w.maxAttempts,
    ...(w.holder !== undefined ? { holder: w.holder } : {}),
    ...(w.leaseExpiresAt !== undefined ? { leaseExpiresAt: w.leaseExpiresAt } : {}),
    ...(w.progress !== undefined ? { progress: w.progress } : {}),
    ...(w.deadLetterReason !== undefined ? { deadLetterReason: w.deadLetterReason } : {}),
    ...(w.deadLetterExpiresAt !== undefined ? { deadLetterExpiresAt: w.deadLetterExpiresAt } : {}),
    attemptReasons: w.attemptHistory.map((h) => clip(h.reason)),
  };
}

/**
 * Builds snapshots; a channel's recent messages are read again only when its last message
 * changed, so an idle dashboard costs a position and a cursor lookup per channel.
 */
export function snapshotBuilder(app: WarpApi, now: () => number = Date.now): () => Promise<DashboardSnapshot> {
  const recent = new Map<string, { lastMessageId: string | null; messages: readonly ShownMessage[] }>();

  const messagesOf = async (channel: ChannelSummary): Promise<readonly ShownMessage[]> => {
    const cached = recent.get(channel.name);
    if (cached && cached.lastMessageId === channel.lastMessageId) return cached.messages;
    const messages =
      channel.messageCount === 0
        ? []
        : (await app.readMessages({ channel: channel.name, limit: RECENT_MESSAGES, markRead: false })).messages.map(
            shownMessage,
          );
    recent.set(channel.name, { lastMessageId: channel.lastMessageId, messages });
    return messages;
  };

  return async () => {
    const [me, { agents }, { channels }, claimed, offered, deadLetters, inbox, { reservations }] = await Promise.all([
      app.getMyHandle(),
      app.discoverAgents({ includeOffline: true }),
      app.listChannels(),
      app.listWork({ status: 'claimed', limit: QUEUE_PAGE }),
      app.listWork({ status: 'offered', limit: QUEUE_PAGE }),
      app.listDeadLetterItems({ limit: DEAD_LETTER_PAGE }),
      app.inboxStatus(),
      app.listReservations({}),
    ]);
    const panels = await Promise.all(channels.map(async (c) => ({ ...c, messages: await messagesOf(c) })));
    for (const name of recent.keys()) if (!channels.some((c) => c.name === name)) recent.delete(name);
    return {
      now: new Date(now()).toISOString(),
      me,
      agents,
      channels: panels,
      work: {
        depth: claimed.depth,
        items: [...claimed.items, ...offered.items].map(shownWork),
        total: claimed.total + offered.total,
      },
      deadLetters: { items: deadLetters.items.map(shownWork), total: deadLetters.total },
      inbox: { unread: inbox.unread },
      reservations: reservations.map((r) => (r.reason ? { ...r, reason: clip(r.reason) } : r)),
    };
  };
}
