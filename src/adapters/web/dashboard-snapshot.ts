import type { WarpApp } from '../../application/index.js';
import type { ChannelSummary } from '../../application/channels/list-channels.js';
import type { MessageView } from '../../application/channels/message-view.js';
import type { MyIdentity } from '../../application/identity/get-my-handle.js';
import type { AgentView } from '../../application/registry/agent-view.js';
import type { ListWorkOutput } from '../../application/work/list-work.js';
import type { WorkItemView } from '../../application/work/work-view.js';

/** Recent messages each channel shows; older ones are a `warp read` away. */
export const RECENT_MESSAGES = 30;
const QUEUE_PAGE = 200;
const DEAD_LETTER_PAGE = 100;

export interface ChannelPanel extends ChannelSummary {
  readonly messages: readonly MessageView[];
}

/** Everything the dashboard shows, read through the same use cases the tools and the CLI call. */
export interface DashboardSnapshot {
  /** Server time, so the browser counts leases down without trusting its own clock. */
  readonly now: string;
  readonly me: MyIdentity;
  readonly agents: readonly AgentView[];
  readonly channels: readonly ChannelPanel[];
  readonly work: {
    readonly depth: ListWorkOutput['depth'];
    readonly items: readonly WorkItemView[];
    readonly total: number;
  };
  readonly deadLetters: { readonly items: readonly WorkItemView[]; readonly total: number };
}

/**
 * Builds snapshots; a channel's recent messages are read again only when its last message
 * changed, so an idle dashboard costs one position lookup per channel.
 */
export function snapshotBuilder(app: WarpApp, now: () => number = Date.now): () => Promise<DashboardSnapshot> {
  const recent = new Map<string, { lastMessageId: string | null; messages: readonly MessageView[] }>();

  const messagesOf = async (channel: ChannelSummary): Promise<readonly MessageView[]> => {
    const cached = recent.get(channel.name);
    if (cached && cached.lastMessageId === channel.lastMessageId) return cached.messages;
    const messages =
      channel.messageCount === 0
        ? []
        : (await app.readMessages({ channel: channel.name, limit: RECENT_MESSAGES, markRead: false })).messages;
    recent.set(channel.name, { lastMessageId: channel.lastMessageId, messages });
    return messages;
  };

  return async () => {
    const [me, { agents }, { channels }, claimed, offered, deadLetters] = await Promise.all([
      app.getMyHandle(),
      app.discoverAgents({ includeOffline: true }),
      app.listChannels(),
      app.listWork({ status: 'claimed', limit: QUEUE_PAGE }),
      app.listWork({ status: 'offered', limit: QUEUE_PAGE }),
      app.listDeadLetterItems({ limit: DEAD_LETTER_PAGE }),
    ]);
    const panels = await Promise.all(channels.map(async (c) => ({ ...c, messages: await messagesOf(c) })));
    for (const name of recent.keys()) if (!channels.some((c) => c.name === name)) recent.delete(name);
    return {
      now: new Date(now()).toISOString(),
      me,
      agents,
      channels: panels,
      work: { depth: claimed.depth, items: [...claimed.items, ...offered.items], total: claimed.total + offered.total },
      deadLetters,
    };
  };
}
