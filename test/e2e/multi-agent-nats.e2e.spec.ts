import { describe, expect, it } from 'vitest';
import type { StdioAgent } from '../support/stdio-agent.js';
import { openOnly, stdioFleetOnNats } from '../support/stdio-fleet.js';

/** Several built servers over stdio, each its own agent, talking through one real nats-server. */
describe('agents in separate processes over NATS', () => {
  const fleet = stdioFleetOnNats({
    WORKQUEUE_ACK_TIMEOUT: '1500',
    WORKQUEUE_MAX_ATTEMPTS: '2',
    WARP_HEARTBEAT_MS: '200',
    WARP_STALE_AFTER_MS: '1000',
  });
  const start = (namespace: string, handle: string): Promise<StdioAgent> =>
    fleet.start({ WARP_NAMESPACE: namespace }, { handle });

  it('channel messages and discovery with visibility', async () => {
    const alice = await start('team', 'alice');
    const bob = await start('team', 'bob');
    const hidden = await start('team', 'hidden');
    const outsider = await start('elsewhere', 'outsider');
    await alice.call('register_agent', { agentType: 'alice', capabilities: ['planning'] });
    await bob.call('register_agent', { agentType: 'bob', capabilities: ['typescript'] });
    await hidden.call('register_agent', { agentType: 'hidden', visibility: 'private' });
    await outsider.call('register_agent', { agentType: 'outsider', visibility: 'public' });

    const sent = await alice.call('send_message', { channel: 'roadmap', message: 'hello from alice' });
    const read = await bob.call('read_messages', { channel: 'roadmap' });
    expect(read.messages.map((m: { id: string; body: string }) => [m.id, m.body])).toEqual([
      [sent.message.id, 'hello from alice'],
    ]);

    const seen = (await alice.call('discover_agents', {})).agents.map((a: { handle: string }) => a.handle).sort();
    expect(seen).toEqual(['alice', 'bob', 'outsider']);
    const fromOutside = (await outsider.call('discover_agents', {})).agents.map((a: { handle: string }) => a.handle);
    expect(fromOutside).toEqual(['outsider']);
  });

  it('a direct message waits for an offline agent that registers later', async () => {
    const sender = await start('team', 'sender');
    await sender.call('register_agent', { agentType: 'sender' });
    const first = await start('team', 'later');
    const { agent } = await first.call('register_agent', { agentType: 'later' });
    await first.close();
    await sender.call('send_direct_message', {
      recipientGuid: agent.guid,
      message: 'read me when you are back',
      messageType: 'request',
    });
    const again = await start('team', 'later');
    const { agent: back } = await again.call('register_agent', { agentType: 'later' });
    expect(back.guid).toBe(agent.guid);
    const inbox = await again.call('read_direct_messages', {});
    expect(inbox.messages.map((m: { body: string }) => m.body)).toEqual(['read me when you are back']);
    expect((await again.call('read_direct_messages', {})).messages).toEqual([]);
  });

  it('work offered by one is claimed and completed by another; a SIGKILLed holder loses its lease to a third', async () => {
    const boss = await start('team', 'boss');
    const worker = await start('team', 'worker');
    const doomed = await start('team', 'doomed');
    const rescuer = await start('team', 'rescuer');
    await boss.call('register_agent', { agentType: 'boss' });
    for (const [a, type] of [
      [worker, 'worker'],
      [doomed, 'doomed'],
      [rescuer, 'rescuer'],
    ] as const) {
      await a.call('register_agent', { agentType: type, capabilities: ['build'] });
    }
    const offered = await boss.call('broadcast_work_offer', {
      taskId: 'w-1',
      description: 'build it',
      requiredCapability: 'build',
    });
    const claimed = await worker.call('claim_work', { capability: 'build', timeout: 10_000 });
    expect(claimed.workItem.workItemId).toBe(offered.workItem.workItemId);
    expect((await worker.call('complete_work', { workItemId: offered.workItem.workItemId })).workItem.status).toBe(
      'completed',
    );

    const second = await boss.call('broadcast_work_offer', {
      taskId: 'w-2',
      description: 'crash on it',
      requiredCapability: 'build',
    });
    const held = await doomed.call('claim_work', { capability: 'build', timeout: 10_000 });
    expect(held.workItem.workItemId).toBe(second.workItem.workItemId);
    doomed.kill('SIGKILL');
    const rescued = await rescuer.call('claim_work', { capability: 'build', timeout: 10_000 });
    expect(rescued.claimed).toBe(true);
    expect(rescued.workItem.workItemId).toBe(second.workItem.workItemId);
    expect(rescued.workItem.attempts).toBe(2);
    await rescuer.call('complete_work', { workItemId: second.workItem.workItemId });
    const history = await boss.call('get_work_item', { workItemId: second.workItem.workItemId });
    expect(history.events.map((e: { type: string }) => e.type)).toEqual([
      'WorkOffered',
      'WorkClaimed',
      'WorkLeaseExpired',
      'WorkClaimed',
      'WorkCompleted',
    ]);
  });

  // The hub's rules for attempts and dead letters, the same for every caller.
  openOnly('an item that exhausts its attempts is dead-lettered, then retried and discarded', async () => {
    const boss = await start('team', 'dlq-boss');
    const worker = await start('team', 'dlq-worker');
    await boss.call('register_agent', { agentType: 'dlq-boss' });
    await worker.call('register_agent', { agentType: 'dlq-worker', capabilities: ['flaky'] });
    const { workItem } = await boss.call('broadcast_work_offer', {
      taskId: 'f-1',
      description: 'flaky',
      requiredCapability: 'flaky',
    });
    for (let i = 0; i < 2; i++) {
      await worker.call('claim_work', { capability: 'flaky', timeout: 10_000 });
      await worker.call('fail_work', { workItemId: workItem.workItemId, error: `attempt ${i + 1} broke` });
    }
    const dlq = await boss.call('list_dead_letter_items', { capability: 'flaky' });
    expect(dlq.items.map((i: { workItemId: string }) => i.workItemId)).toEqual([workItem.workItemId]);
    expect(dlq.items[0].attemptHistory.map((h: { reason: string }) => h.reason)).toEqual([
      'failed: attempt 1 broke',
      'failed: attempt 2 broke',
    ]);
    await boss.call('retry_dead_letter_item', { itemId: workItem.workItemId, resetAttempts: true });
    await worker.call('claim_work', { capability: 'flaky', timeout: 10_000 });
    await worker.call('fail_work', { workItemId: workItem.workItemId, error: 'give up', retryable: false });
    await boss.call('discard_dead_letter_item', { itemId: workItem.workItemId });
    expect((await boss.call('list_dead_letter_items', { capability: 'flaky' })).items).toEqual([]);
  });

  it('two projects on one server do not see each other', async () => {
    const here = await start('project-a', 'here');
    const there = await start('project-b', 'there');
    await here.call('register_agent', { agentType: 'here', capabilities: ['shared'] });
    await there.call('register_agent', { agentType: 'there', capabilities: ['shared'] });
    await here.call('create_channel', { name: 'secret-plans', description: 'only for a' });
    await here.call('send_message', { channel: 'secret-plans', message: 'a only' });
    await here.call('broadcast_work_offer', { taskId: 'a-task', description: 'a work', requiredCapability: 'shared' });
    const channels = (await there.call('list_channels', {})).channels.map((c: { name: string }) => c.name);
    expect(channels).not.toContain('secret-plans');
    expect((await there.call('list_work', {})).items).toEqual([]);
    expect((await there.call('claim_work', { capability: 'shared', timeout: 200 })).claimed).toBe(false);
    const visible = (await there.call('discover_agents', {})).agents.map((a: { handle: string }) => a.handle);
    expect(visible).toContain('there');
    expect(visible).not.toContain('here');
  });
});
