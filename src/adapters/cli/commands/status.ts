import { describeHub } from '../../hub/hub-directory.js';
import { emit, type Command } from '../command.js';

export const status: Command = {
  name: 'status',
  usage: 'warp status',
  summary: 'connection, hubs, namespace, channels and queue depths and skipped stored values',
  arguments: [],
  options: {},
  details: ['To find out why Warp cannot connect, run `warp doctor`.'],
  async run(ctx) {
    const [me, channelList, work] = await Promise.all([
      ctx.app.getMyHandle(),
      ctx.app.listChannels(),
      ctx.app.listWork({ limit: 1 }),
    ]);
    const hubs = me.backend === 'nats' && ctx.hubs ? await ctx.hubs() : undefined;
    const result = { ...me, ...(hubs ? { hubs } : {}), channels: channelList.channels, queues: work.depth };
    emit(ctx, result, () => [
      `backend: ${me.backend} (${me.server}) ${me.connection}`,
      ...(hubs ? (hubs.length ? hubs.map(describeHub) : ['hubs: none answers']) : []),
      `namespace: ${me.namespace}`,
      `channels: ${channelList.channels.map((c) => `#${c.name}(${c.messageCount})`).join(' ') || 'none'}`,
      `skipped stored values: ${
        Object.entries(me.skipped)
          .map(([source, n]) => `${source} ${n}`)
          .join(', ') || 'none'
      }`,
      ...Object.entries(work.depth).map(
        ([cap, d]) => `queue ${cap}: ${d.offered} offered, ${d.claimed} claimed, ${d.deadLettered} dead-lettered`,
      ),
    ]);
    return result;
  },
};
