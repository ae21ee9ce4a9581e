import { effectiveRetention } from '../../domain/index.js';
import type { AppDeps } from '../shared/deps.js';
import type { ChannelView } from './create-channel.js';

export interface ChannelSummary extends ChannelView {
  readonly messageCount: number;
  readonly lastMessageId: string | null;
  readonly unread?: number;
}

export async function listChannels(deps: AppDeps): Promise<{ channels: ChannelSummary[] }> {
  const { session, channelLog, cursors } = deps;
  const channels = await Promise.all(
    deps.channels.open().map(async (c): Promise<ChannelSummary> => {
      const { first, last } = await channelLog.position(session.namespace, c.name);
      const count = last === 0 || first === 0 ? 0 : last - first + 1;
      const base = {
        name: c.name,
        description: c.description,
        ...effectiveRetention(c.retention, deps.settings.channelLimits),
        messageCount: count,
        lastMessageId: last ? String(last) : null,
      };
      if (!session.guid) return base;
      const cursor = await cursors.get(session.namespace, session.guid, c.name);
      return { ...base, unread: Math.max(0, last - Math.max(cursor, first - 1)) };
    }),
  );
  return { channels };
}
