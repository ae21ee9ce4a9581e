import { afterAll, describe, expect, it } from 'vitest';
import { StdioAgent } from '../support/stdio-agent.js';
import { CHANNEL_BYTES, projectWithChannels as project } from './support/channel-project.js';

describe('channel limits on the memory backend', () => {
  let agent: StdioAgent | undefined;
  let configured: StdioAgent | undefined;
  let reserving: StdioAgent | undefined;
  afterAll(async () => Promise.all([agent?.close(), configured?.close(), reserving?.close()]));

  it('the cap and the default retention hold there too', async () => {
    agent = await StdioAgent.start({ WARP_BACKEND: 'memory', WARP_NAMESPACE: 'limits-m', WARP_MAX_CHANNELS: '3' });
    const { channels } = await agent.call('list_channels');
    expect(channels).toHaveLength(3);
    expect(channels[0]).toMatchObject({ maxMessages: 100_000, maxBytes: CHANNEL_BYTES });
    expect(await agent.callError('create_channel', { name: 'one-more', description: '' })).toMatch(
      /has 3 channels and the limit is 3 \(WARP_MAX_CHANNELS\), so no new channel fits/,
    );
  });

  it('a project file with more channels than WARP_MAX_CHANNELS is refused whole', async () => {
    const dir = project([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    configured = await StdioAgent.start({ WARP_BACKEND: 'memory', MCP_PROJECT_PATH: dir, WARP_MAX_CHANNELS: '2' });
    expect(await configured.callError('list_channels')).toMatch(
      /has 0 channels and the limit is 2 \(WARP_MAX_CHANNELS\), so 3 new channels do not fit/,
    );
  });

  it("a project's channels reserve at most WARP_PROJECT_CHANNELS_MAX_BYTES together there too", async () => {
    const bounded = { WARP_CHANNEL_MAX_BYTES: '65536', WARP_PROJECT_CHANNELS_MAX_BYTES: '262144' };
    reserving = await StdioAgent.start({ WARP_BACKEND: 'memory', WARP_NAMESPACE: 'limits-r', ...bounded });
    await reserving.call('create_channel', { name: 'fourth', description: '' });
    expect(await reserving.callError('create_channel', { name: 'fifth', description: '' })).toBe(
      'Project "limits-r"\'s channels reserve 256 KiB of storage, and channel "fifth" (maxBytes 64 KiB) would take ' +
        "them past the project's allowance of 256 KiB (WARP_PROJECT_CHANNELS_MAX_BYTES), so nothing was created; " +
        'other projects are not affected. Instead post in an existing channel (list_channels), or have ' +
        'WARP_PROJECT_CHANNELS_MAX_BYTES raised.',
    );
    expect((await reserving.call('list_channels')).channels).toHaveLength(4);

    const dir = project([{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }, { name: 'e', maxBytes: 1024 }]);
    const whole = await StdioAgent.start({ WARP_BACKEND: 'memory', MCP_PROJECT_PATH: dir, ...bounded });
    try {
      expect(await whole.callError('list_channels')).toMatch(
        /the configured channels \(257 KiB together\) would take them past the project's allowance of 256 KiB/,
      );
    } finally {
      await whole.close();
    }
  });
});
