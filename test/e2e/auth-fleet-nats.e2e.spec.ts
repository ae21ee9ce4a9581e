import { describe, expect, it } from 'vitest';
import type { StdioAgent } from '../support/stdio-agent.js';
import { stdioFleetOnNats } from '../support/stdio-fleet.js';

/** The main multi-agent flows with authentication on: each agent runs with its own credentials only. */
describe('agents with credentials on a server configured by warp auth init', () => {
  const fleet = stdioFleetOnNats({ WARP_HEARTBEAT_MS: '200', WARP_STALE_AFTER_MS: '1000' }, { auth: true });
  const agent = async (project: string, handle: string): Promise<StdioAgent> =>
    fleet.start({ NATS_CREDS: await fleet.creds(project, handle) });

  it('identity comes from the credential: its own handle is accepted, any other refused', async () => {
    const alice = await agent('team', 'alice');
    const me = await alice.call('get_my_handle', {});
    expect(me).toMatchObject({ handle: 'alice', namespace: 'team' });
    expect((await alice.call('set_handle', { handle: 'alice' })).handle).toBe('alice');
    expect(await alice.callError('set_handle', { handle: 'bob' })).toMatch(/credential names it "alice"/);
    const { agent: registered } = await alice.call('register_agent', { agentType: 'planner' });
    expect(registered.handle).toBe('alice');
    expect((await alice.call('get_my_handle', {})).guid).toBe(registered.guid);
  });

  it('channels, direct messages and discovery across projects of a public agent', async () => {
    const carol = await agent('team', 'carol');
    const dave = await agent('team', 'dave');
    const outsider = await agent('elsewhere', 'outsider');
    await carol.call('register_agent', { agentType: 'carol' });
    const { agent: daveAgent } = await dave.call('register_agent', { agentType: 'dave', visibility: 'public' });
    const { agent: out } = await outsider.call('register_agent', { agentType: 'outsider', visibility: 'public' });

    const sent = await carol.call('send_message', { channel: 'roadmap', message: 'hello @dave' });
    const read = await dave.call('read_messages', { channel: 'roadmap' });
    expect(read.messages.map((m: { id: string; body: string }) => [m.id, m.body])).toEqual([
      [sent.message.id, 'hello @dave'],
    ]);
    // Another project's channel of the same name is another channel.
    expect((await outsider.call('read_messages', { channel: 'roadmap' })).messages).toEqual([]);

    const seen = (await carol.call('discover_agents', {})).agents.map((a: { handle: string }) => a.handle);
    expect(seen).toContain('outsider');
    await carol.call('send_direct_message', { recipientGuid: out.guid, message: 'hi from team' });
    const inbox = await outsider.call('read_direct_messages', {});
    expect(inbox.messages.map((m: { body: string }) => m.body)).toEqual(['hi from team']);
    await outsider.call('send_direct_message', { recipientGuid: daveAgent.guid, message: 'hi dave' });
    expect((await dave.call('read_direct_messages', {})).messages.map((m: { body: string }) => m.body)).toEqual([
      'hi dave',
    ]);
  });

  it('work offered by one agent is claimed and completed by another', async () => {
    const boss = await agent('team', 'boss');
    const worker = await agent('team', 'worker');
    await boss.call('register_agent', { agentType: 'boss' });
    await worker.call('register_agent', { agentType: 'worker', capabilities: ['build'] });
    const offered = await boss.call('broadcast_work_offer', {
      taskId: 'w-1',
      description: 'build it',
      requiredCapability: 'build',
    });
    const claimed = await worker.call('claim_work', { capability: 'build', timeout: 10_000 });
    expect(claimed.workItem.workItemId).toBe(offered.workItem.workItemId);
    const done = await worker.call('complete_work', { workItemId: offered.workItem.workItemId });
    expect(done.workItem.status).toBe('completed');
  });
});
