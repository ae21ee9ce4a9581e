import { describe, expect, it } from 'vitest';
import type { StdioAgent } from '../support/stdio-agent.js';
import { stdioFleetOnNats } from '../support/stdio-fleet.js';

const KIB = 1024;
const DEFAULT_CHANNELS = ['errors', 'parallel-work', 'roadmap'];

/** Creates channels `<prefix>-0`, `<prefix>-1`… until one is refused: the names created and the refusal. */
async function createUntilRefused(agent: StdioAgent, prefix: string): Promise<{ created: string[]; refusal: string }> {
  const created: string[] = [];
  for (let i = 0; i < 40; i++) {
    try {
      await agent.call('create_channel', { name: `${prefix}-${i}`, description: '' });
      created.push(`${prefix}-${i}`);
    } catch (error) {
      return { created, refusal: (error as Error).message };
    }
  }
  return { created, refusal: '' };
}

/**
 * Agents with credentials on a server whose Warp account has `storageKib` of JetStream storage, and
 * a hub that gives each channel 64 KiB and a project's channels `allowanceKib` together.
 */
const fleetOn = (storageKib: number, allowanceKib: number) =>
  stdioFleetOnNats(
    {},
    {
      auth: true,
      quota: { maxStorageBytes: storageKib * KIB, maxMemoryBytes: 1024 * KIB, maxStreams: -1, maxConsumers: -1 },
      hub: { WARP_CHANNEL_MAX_BYTES: String(64 * KIB), WARP_PROJECT_CHANNELS_MAX_BYTES: String(allowanceKib * KIB) },
    },
  );

const channelNames = async (agent: StdioAgent): Promise<string[]> =>
  (await agent.call('list_channels')).channels.map((c: { name: string }) => c.name).sort();

/**
 * Each channel stream reserves its maxBytes of the JetStream account's storage when it is made, so
 * one project making channels could take all of it (ADR 0031). Sessions hold agent credentials and
 * the hub decides, as on a shared server.
 */
describe('channel reservations over NATS, on an account with 1 MiB of storage', () => {
  // 256 KiB for a project's channels: the three default channels and one more.
  const fleet = fleetOn(1024, 256);

  it('a project at its allowance is refused, naming it; another project still creates a channel and posts', async () => {
    const greedy = await fleet.start({ NATS_CREDS: await fleet.creds('chan-greedy', 'maker') });
    const { created, refusal } = await createUntilRefused(greedy, 'topic');
    expect(refusal).toBe(
      'Project "chan-greedy"\'s channels reserve 256 KiB of storage, and channel "topic-1" (maxBytes 64 KiB) would ' +
        "take them past the project's allowance of 256 KiB (WARP_PROJECT_CHANNELS_MAX_BYTES), so nothing was " +
        'created; other projects are not affected. Instead post in an existing channel (list_channels), or have ' +
        'WARP_PROJECT_CHANNELS_MAX_BYTES raised.',
    );
    expect(created).toEqual(['topic-0']);
    expect(await channelNames(greedy)).toEqual([...DEFAULT_CHANNELS, 'topic-0'].sort());
    // Nothing is left, so not even a small channel fits.
    expect(await greedy.callError('create_channel', { name: 'tiny', description: '', maxBytes: 1024 })).toMatch(
      /WARP_PROJECT_CHANNELS_MAX_BYTES/,
    );

    const other = await fleet.start({ NATS_CREDS: await fleet.creds('chan-other', 'neighbour') });
    await expect(other.call('create_channel', { name: 'news', description: 'still room' })).resolves.toMatchObject({
      created: true,
      channel: { name: 'news', maxBytes: 64 * KIB },
    });
    const { message } = await other.call('send_message', { channel: 'news', message: 'we can talk' });
    const { messages } = await other.call('read_messages', { channel: 'news' });
    expect(messages.map((m: { id: string; message: string }) => m.id)).toEqual([message.id]);
    // The project at its allowance keeps talking in the channels it has.
    await expect(greedy.call('send_message', { channel: 'topic-0', message: 'still here' })).resolves.toBeDefined();
  });
});

describe('an account whose storage is reserved to the last byte anyway', () => {
  // The allowance is above the account's whole storage: the server refuses before Warp does.
  const fleet = fleetOn(512, 1024);

  it('refuses a channel with the storage named, and leaves no channel behind without a log', async () => {
    const filler = await fleet.start({ NATS_CREDS: await fleet.creds('chan-full', 'filler') });
    const { created, refusal } = await createUntilRefused(filler, 'topic');
    expect(refusal).toMatch(/^storage quota: the storage the NATS account or server has left is too small/);
    expect(refusal).toMatch(/WARP_PROJECT_CHANNELS_MAX_BYTES/);
    expect(created.length).toBeGreaterThan(0);
    // The refused channel is not half made: the project lists, and posts in, what it has.
    expect(await channelNames(filler)).toEqual([...DEFAULT_CHANNELS, ...created].sort());
    await expect(filler.call('send_message', { channel: created.at(-1)!, message: 'fits' })).resolves.toBeDefined();
    const refused = `topic-${created.length}`;
    expect(await filler.callError('create_channel', { name: refused, description: '' })).toBe(refusal);
    await expect(filler.call('send_message', { channel: refused, message: 'nowhere' })).rejects.toThrow(
      /does not exist/,
    );
  });
});
