import { DiscardPolicy, jetstreamManager, type StreamConfig } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { CHANNEL_BYTES, projectWithChannels as project } from './support/channel-project.js';
import { stdioFleetOnNats } from '../support/stdio-fleet.js';

/** Limits that keep one agent from filling the disk, through real MCP clients of the built server. */
describe('channel limits over NATS', () => {
  const fleet = stdioFleetOnNats();
  // Limits from the environment are the hub's: it decides every channel command.
  const lowered = stdioFleetOnNats(
    {},
    { hub: { WARP_CHANNEL_MAX_MESSAGES: '2000', WARP_CHANNEL_MAX_BYTES: '1048576' } },
  );
  const fewChannels = stdioFleetOnNats({}, { hub: { WARP_MAX_CHANNELS: '4' } });
  const streamConfig = async (ns: string, channel: string, on = fleet): Promise<StreamConfig> => {
    const nc = await on.connectAdmin();
    try {
      return (await (await jetstreamManager(nc)).streams.info(`WARP_CH_${ns}_${channel}`)).config;
    } finally {
      await nc.close();
    }
  };

  it('every channel stream gets the default retention; create_channel overrides it below the ceiling', async () => {
    const agent = await fleet.start({ WARP_NAMESPACE: 'limits-a' });
    await agent.call('list_channels');
    expect(await streamConfig('limits-a', 'roadmap')).toMatchObject({
      max_msgs: 100_000,
      max_bytes: CHANNEL_BYTES,
      discard: DiscardPolicy.Old,
    });
    const { channel } = await agent.call('create_channel', {
      name: 'small',
      description: 'kept short',
      maxMessages: 50,
      maxBytes: 4096,
    });
    expect(channel).toMatchObject({ maxMessages: 50, maxBytes: 4096 });
    expect(await streamConfig('limits-a', 'small')).toMatchObject({ max_msgs: 50, max_bytes: 4096 });
    const listed = (await agent.call('list_channels')).channels.find((c: { name: string }) => c.name === 'errors');
    expect(listed).toMatchObject({ maxMessages: 100_000, maxBytes: CHANNEL_BYTES });

    expect(
      await agent.callError('create_channel', { name: 'huge', description: '', maxBytes: CHANNEL_BYTES + 1 }),
    ).toMatch(/maxBytes: 67108865 is above the limit of 67108864 bytes \(WARP_CHANNEL_MAX_BYTES\)/);
    expect(await agent.callError('create_channel', { name: 'long', description: '', maxMessages: 100_001 })).toMatch(
      /WARP_CHANNEL_MAX_MESSAGES/,
    );
    expect((await agent.call('list_channels')).channels.map((c: { name: string }) => c.name)).not.toContain('huge');
  });

  it("overrides from .loom-config.json and from the hub's environment are applied to the streams", async () => {
    const dir = project([
      { name: 'planning', description: 'Plans', maxMessages: 500, maxBytes: 65_536 },
      { name: 'chatter', description: 'Defaults' },
    ]);
    const agent = await lowered.start({ WARP_NAMESPACE: 'limits-b', MCP_PROJECT_PATH: dir });
    await agent.call('list_channels');
    expect(await streamConfig('limits-b', 'planning', lowered)).toMatchObject({ max_msgs: 500, max_bytes: 65_536 });
    expect(await streamConfig('limits-b', 'chatter', lowered)).toMatchObject({ max_msgs: 2000, max_bytes: 1_048_576 });
  });

  it('a value in .loom-config.json above the limit is refused with the limit named, and creates nothing', async () => {
    const dir = project([
      { name: 'fine', description: '' },
      { name: 'greedy', description: '', maxBytes: 2 * CHANNEL_BYTES },
    ]);
    const agent = await fleet.start({ WARP_NAMESPACE: 'limits-c', MCP_PROJECT_PATH: dir });
    expect(await agent.callError('list_channels')).toMatch(
      /configured channel "greedy": maxBytes: 134217728 is above the limit.*WARP_CHANNEL_MAX_BYTES/,
    );
    await expect(streamConfig('limits-c', 'fine')).rejects.toThrow(/stream not found/);
  });

  it('a project at WARP_MAX_CHANNELS cannot create another channel', async () => {
    // The three default channels plus one.
    const agent = await fewChannels.start({ WARP_NAMESPACE: 'limits-d' });
    await agent.call('create_channel', { name: 'fourth', description: '' });
    const error = await agent.callError('create_channel', { name: 'fifth', description: '' });
    expect(error).toMatch(/has 4 channels and the limit is 4 \(WARP_MAX_CHANNELS\), so no new channel fits/);
    await expect(streamConfig('limits-d', 'fifth', fewChannels)).rejects.toThrow(/stream not found/);
    // Another session of the project sees the same count.
    const other = await fewChannels.start({ WARP_NAMESPACE: 'limits-d' });
    expect(await other.callError('create_channel', { name: 'sixth', description: '' })).toMatch(/WARP_MAX_CHANNELS/);
    expect(await other.call('create_channel', { name: 'fourth', description: '' })).toMatchObject({ created: false });
  });
});
