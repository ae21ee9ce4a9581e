import { afterEach, describe, expect, it } from 'vitest';
import {
  NOTHING_SURFACED,
  type DigestMoment,
  type SurfacedData,
  type WarpApi,
} from '../../../src/application/index.js';
import { createFleet } from '../../support/memory-fleet.js';

/** A session's digests, keeping what was surfaced between them as the hook endpoint does. */
function digests(app: WarpApi): (moment: DigestMoment) => ReturnType<typeof digestOnce> {
  let surfaced: SurfacedData = NOTHING_SURFACED;
  const digestOnce = async (moment: DigestMoment) => {
    const answer = await app.agentDigest({ surfaced, moment });
    surfaced = answer.surfaced;
    return answer.digest;
  };
  return digestOnce;
}

describe('agent digest (what the Claude Code hooks surface)', () => {
  let fleet = createFleet();
  afterEach(async () => {
    await fleet.close();
    fleet = createFleet();
  });

  it('is empty until the session has registered', async () => {
    const a = await fleet.agent();
    expect(await digests(a)('session-start')).toEqual({
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
    const digest = digests(me);

    const first = await digest('session-start');
    expect(first.agent?.handle).toBe('dev');
    expect(first.directMessages.map((m) => [m.from, m.text])).toEqual([['lead', 'hello dev']]);
    expect(first.mentions.map((m) => [m.channel, m.text])).toEqual([['general', 'ping @dev']]);
    expect(first.offers.map((o) => o.text)).toEqual(['typecheck']);
    expect(first.online).toEqual([{ handle: 'lead', agentType: 'lead' }]);

    expect(await digest('prompt')).toMatchObject({
      directMessages: [],
      mentions: [],
      offers: [],
      online: [],
    });

    await peer.sendDirectMessage({ recipientGuid: agent.guid, message: 'again' });
    const next = await digest('prompt');
    expect(next.directMessages.map((m) => m.text)).toEqual(['again']);

    const stop = await digest('stop');
    expect(stop.directMessages.map((m) => m.text)).toEqual(['hello dev', 'again']);
    expect(stop.mentions.map((m) => m.text)).toEqual(['ping @dev']);

    await me.readDirectMessages({});
    await me.readMessages({ channel: 'general', unreadOnly: true });
    expect(await digest('stop')).toMatchObject({ directMessages: [], mentions: [] });
  });
});
