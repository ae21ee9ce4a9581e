import { afterAll, describe, expect, it } from 'vitest';
import { StdioAgent } from '../support/stdio-agent.js';
import { GIB, projectWithChannels as project } from './support/channel-project.js';

describe('channel limits on the memory backend', () => {
  let agent: StdioAgent | undefined;
  let configured: StdioAgent | undefined;
  afterAll(async () => Promise.all([agent?.close(), configured?.close()]));

  it('the cap and the default retention hold there too', async () => {
    agent = await StdioAgent.start({ WARP_BACKEND: 'memory', WARP_NAMESPACE: 'limits-m', WARP_MAX_CHANNELS: '3' });
    const { channels } = await agent.call('list_channels');
    expect(channels).toHaveLength(3);
    expect(channels[0]).toMatchObject({ maxMessages: 100_000, maxBytes: GIB });
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
});
