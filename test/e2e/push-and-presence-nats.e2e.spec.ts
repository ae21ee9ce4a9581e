import { describe, expect, it } from 'vitest';
import { openOnly, stdioFleetOnNats } from '../support/stdio-fleet.js';

describe('push into the session and presence, across processes over NATS', () => {
  const fleet = stdioFleetOnNats(
    { WARP_NAMESPACE: 'push', WARP_HEARTBEAT_MS: '100', WARP_STALE_AFTER_MS: '3000' },
    { claudeChannel: true },
  );
  const start = (handle?: string) => fleet.start({}, handle === undefined ? {} : { handle });

  openOnly('declares the claude/channel capability and explains pushes in its instructions', async () => {
    const a = await start();
    expect(a.client.getServerCapabilities()?.experimental?.['claude/channel']).toEqual({});
    expect(a.client.getInstructions()).toMatch(/untrusted/);
  });

  it("B receives A's DM, mention and qualified work offer as notifications; A receives none of them", async () => {
    const a = await start('alice');
    const b = await start('bob');
    await a.call('register_agent', { agentType: 'alice', capabilities: ['ts'] });
    const { agent: bob } = await b.call('register_agent', { agentType: 'bob', capabilities: ['ts'] });
    const dm = await a.call('send_direct_message', { recipientGuid: bob.guid, message: 'psst bob' });
    const mention = await a.call('send_message', { channel: 'roadmap', message: '@bob can you review?' });
    const offer = await a.call('broadcast_work_offer', {
      taskId: 'review-1',
      description: 'review PR 1',
      requiredCapability: 'ts',
    });

    expect((await b.waitForPush((p) => p.meta['kind'] === 'dm')).meta).toMatchObject({
      kind: 'dm',
      from: 'alice',
      message_id: dm.message.id,
    });
    expect((await b.waitForPush((p) => p.meta['kind'] === 'mention')).meta).toMatchObject({
      kind: 'mention',
      channel: 'roadmap',
      from: 'alice',
      message_id: mention.message.id,
    });
    expect((await b.waitForPush((p) => p.meta['kind'] === 'work')).meta).toMatchObject({
      kind: 'work',
      work_item_id: offer.workItem.workItemId,
      capability: 'ts',
    });
    // A's own send round-trips through B before this check, so anything pushed to A would be here by now.
    await b.call('send_message', { channel: 'roadmap', message: 'sure' });
    await a.call('read_messages', { channel: 'roadmap' });
    expect(a.pushes).toEqual([]);
    // Push never marks anything read.
    expect((await b.call('read_direct_messages', {})).messages.map((m: { body: string }) => m.body)).toEqual([
      'psst bob',
    ]);
  });

  // The session filters work notices it already hears (the test above) by its capabilities.
  openOnly(
    'work is pushed for the capabilities the agent has now: one added by update_presence, not one it dropped',
    async () => {
      const a = await start();
      const b = await start();
      await a.call('register_agent', { agentType: 'boss' });
      await b.call('register_agent', { agentType: 'dev', capabilities: ['py'] });
      await b.call('update_presence', { capabilities: ['go'] });
      const offer = (capability: string) =>
        a.call('broadcast_work_offer', {
          taskId: `t-${capability}`,
          description: capability,
          requiredCapability: capability,
        });
      await offer('py');
      const go = await offer('go');
      const pushed = await b.waitForPush((p) => p.meta['kind'] === 'work');
      expect(pushed.meta).toMatchObject({ work_item_id: go.workItem.workItemId, capability: 'go' });
      // The py offer was announced before the go one; pushes come in order, so it was not pushed.
      expect(b.pushes.filter((p) => p.meta['kind'] === 'work').map((p) => p.meta['capability'])).toEqual(['go']);
    },
  );

  it('a resource subscription receives notifications/resources/updated', async () => {
    const a = await start('poster');
    const b = await start();
    const { ResourceUpdatedNotificationSchema } = await import('@modelcontextprotocol/sdk/types.js');
    const updated = new Promise<string>((resolve) =>
      b.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => resolve(n.params.uri)),
    );
    await b.client.subscribeResource({ uri: 'warp://channels/errors' });
    await a.call('send_message', { channel: 'errors', message: 'disk full on ci-3' });
    expect(await updated).toBe('warp://channels/errors');
  });

  it('wait_for_messages returns early when a message arrives', async () => {
    const a = await start('waker');
    const b = await start('sleeper');
    await b.call('register_agent', { agentType: 'sleeper' });
    const { position } = await b.call('wait_for_messages', { channels: ['parallel-work'], timeoutMs: 0 });
    // From that position, the message counts whether it lands before or during the wait.
    const waiting = b.call('wait_for_messages', { channels: ['parallel-work'], timeoutMs: 30_000, since: position });
    const sent = await a.call('send_message', { channel: 'parallel-work', message: 'wake up' });
    const result = await waiting;
    expect(result.timedOut).toBe(false);
    expect(result.arrivals).toEqual([
      expect.objectContaining({ kind: 'channel', messageId: sent.message.id, text: 'wake up', from: 'waker' }),
    ]);
  });

  it('a SIGKILLed agent shows offline after the stale threshold; a cleanly closed one at once', async () => {
    const observer = await start();
    const crashing = await start('crasher');
    const leaving = await start('leaver');
    const { agent: crashed } = await crashing.call('register_agent', { agentType: 'crasher' });
    const { agent: left } = await leaving.call('register_agent', { agentType: 'leaver' });
    expect((await observer.call('get_agent_info', { guid: crashed.guid })).agent.status).toBe('online');

    await leaving.close();
    expect((await observer.call('get_agent_info', { guid: left.guid })).agent.status).toBe('offline');

    const terminated = await start('terminated');
    const { agent: stopped } = await terminated.call('register_agent', { agentType: 'terminated' });
    terminated.kill('SIGTERM');
    await terminated.exited();
    expect((await observer.call('get_agent_info', { guid: stopped.guid })).agent.status).toBe('offline');

    crashing.kill('SIGKILL');
    // Staleness is a matter of time (no event announces a crash), so poll the observable state.
    for (;;) {
      const { agent } = await observer.call('get_agent_info', { guid: crashed.guid });
      if (agent.status === 'offline') break;
      await observer.call('wait_for_messages', {
        channels: ['errors'],
        includeDirect: false,
        includeWork: false,
        timeoutMs: 200,
      });
    }
    const again = await start('crasher');
    const { agent: back } = await again.call('register_agent', { agentType: 'crasher' });
    expect(back.guid).toBe(crashed.guid);
    expect(back.status).toBe('online');
  });
});
