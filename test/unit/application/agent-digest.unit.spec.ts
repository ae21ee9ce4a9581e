import { afterEach, describe, expect, it } from 'vitest';
import { Surfaced } from '../../../src/application/index.js';
import { createFleet } from '../../support/memory-fleet.js';

describe('agent digest (what the Claude Code hooks surface)', () => {
  let fleet = createFleet();
  afterEach(async () => {
    await fleet.close();
    fleet = createFleet();
  });

  it('is empty until the session has registered', async () => {
    const a = await fleet.agent();
    expect(await a.agentDigest(new Surfaced(), 'session-start')).toEqual({
      directMessages: [],
      mentions: [],
      offers: [],
      online: [],
      more: 0,
    });
  });

  it('surfaces each DM, mention, qualified offer and newly online agent once; stop lists all that is unread', async () => {
    const me = await fleet.agent({ hostname: 'h1' });
    const peer = await fleet.agent({ hostname: 'h2' });
    const { agent } = await me.registerAgent({ agentType: 'dev', capabilities: ['ts'] });
    await peer.registerAgent({ agentType: 'lead' });
    await peer.sendDirectMessage({ recipientGuid: agent.guid, message: 'hello dev' });
    await peer.sendMessage({ channel: 'general', message: 'ping @dev' });
    await peer.sendMessage({ channel: 'general', message: 'ping @developer' });
    await peer.broadcastWorkOffer({ taskId: 't1', description: 'typecheck', requiredCapability: 'ts' });
    await peer.broadcastWorkOffer({ taskId: 't2', description: 'not mine', requiredCapability: 'go' });
    const surfaced = new Surfaced();

    const first = await me.agentDigest(surfaced, 'session-start');
    expect(first.agent?.handle).toBe('dev');
    expect(first.directMessages.map((m) => [m.from, m.text])).toEqual([['lead', 'hello dev']]);
    expect(first.mentions.map((m) => [m.channel, m.text])).toEqual([['general', 'ping @dev']]);
    expect(first.offers.map((o) => o.text)).toEqual(['typecheck']);
    expect(first.online).toEqual([{ handle: 'lead', agentType: 'lead' }]);

    expect(await me.agentDigest(surfaced, 'prompt')).toMatchObject({
      directMessages: [],
      mentions: [],
      offers: [],
      online: [],
    });

    await peer.sendDirectMessage({ recipientGuid: agent.guid, message: 'again' });
    const next = await me.agentDigest(surfaced, 'prompt');
    expect(next.directMessages.map((m) => m.text)).toEqual(['again']);

    const stop = await me.agentDigest(surfaced, 'stop');
    expect(stop.directMessages.map((m) => m.text)).toEqual(['hello dev', 'again']);
    expect(stop.mentions.map((m) => m.text)).toEqual(['ping @dev']);

    await me.readDirectMessages({});
    await me.readMessages({ channel: 'general', unreadOnly: true });
    expect(await me.agentDigest(surfaced, 'stop')).toMatchObject({ directMessages: [], mentions: [] });
  });
});
