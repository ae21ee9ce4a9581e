import { describe, expect, it } from 'vitest';
import type { StdioAgent } from '../support/stdio-agent.js';
import { AUTH_EVERYWHERE, stdioFleetOnNats } from '../support/stdio-fleet.js';
import { whenAvailable } from '../support/unavailable.js';

describe('an agent started while NATS is down', () => {
  // Open, the late session starts a hub of its own once NATS is up; sealed sessions need the fleet's,
  // which must outlive the outage (tests otherwise let a hub go 3 s after its NATS; a loaded machine
  // takes longer than that to start the late agent).
  const fleet = stdioFleetOnNats(
    { WARP_NAMESPACE: 'outage' },
    { claudeChannel: true, hub: AUTH_EVERYWHERE && { WARP_HUB_ORPHAN_MS: '60000' } },
  );
  const start = (handle: string): Promise<StdioAgent> => fleet.start({}, { handle });

  it('says why its calls fail, then works, and its pushes start once NATS is up; nothing is lost meanwhile', async () => {
    await fleet.server().stop();
    // Open, it cannot set a handle yet: register_agent names it after NATS is back.
    const late = await fleet.start({}, fleet.auth ? { handle: 'late-riser' } : {});
    expect(await late.callError('get_my_handle')).toMatch(/cannot reach its backend.*NATS/i);
    await fleet.server().restart();
    const { agent: me } = await whenAvailable(() => late.call('register_agent', { agentType: 'late-riser' }));
    const sender = await start('sender');
    await sender.call('register_agent', { agentType: 'sender' });
    // The push feed starts on its own retry schedule and gives no signal, so DMs are sent
    // until one is pushed, paced by a short blocking call.
    const sent: string[] = [];
    while (late.pushes.length === 0) {
      if (sent.length >= 40) throw new Error('no push arrived after 40 direct messages');
      sent.push(`ping ${sent.length}`);
      await sender.call('send_direct_message', { recipientGuid: me.guid, message: sent.at(-1) });
      await sender.call('wait_for_messages', {
        channels: ['errors'],
        includeDirect: false,
        includeWork: false,
        timeoutMs: 250,
      });
    }
    expect(sent).toContain((await late.waitForPush((p) => p.meta['kind'] === 'dm')).content);
    // Pushed or not, every message waits in the inbox.
    const inbox = await late.call('read_direct_messages', { limit: 100 });
    expect(inbox.messages.map((m: { body: string }) => m.body)).toEqual(sent);
  });
});
