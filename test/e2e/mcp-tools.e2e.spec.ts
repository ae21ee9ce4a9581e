import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkedFleet, type LinkedAgent } from './support/linked-agents.js';

/** Every tool, successfully, through a real MCP client: two agents on one backend. */
describe('every tool through an MCP client', () => {
  const fleet = linkedFleet();
  let lead: LinkedAgent;
  let worker: LinkedAgent;
  let workerGuid: string;
  beforeAll(async () => {
    lead = await fleet.agent('h1');
    worker = await fleet.agent('h2');
  });
  afterAll(async () => fleet.close());

  it('identity', async () => {
    expect(await lead.call('set_handle', { handle: 'lead' })).toEqual({ handle: 'lead' });
    expect(await lead.call('get_my_handle')).toMatchObject({
      handle: 'lead',
      guid: null,
      namespace: 'proj',
      backend: 'memory',
    });
  });

  it('registry', async () => {
    const { agent } = await worker.call('register_agent', {
      agentType: 'Build Worker',
      capabilities: ['build'],
      visibility: 'project-only',
    });
    workerGuid = agent.guid;
    expect(agent).toMatchObject({ handle: 'build-worker', status: 'online', capabilities: ['build'] });
    await lead.call('register_agent', { agentType: 'lead' });
    expect(
      (await lead.call('discover_agents', { capability: 'build' })).agents.map((a: { guid: string }) => a.guid),
    ).toEqual([workerGuid]);
    expect((await lead.call('get_agent_info', { guid: workerGuid })).agent.handle).toBe('build-worker');
    expect((await worker.call('update_presence', { status: 'busy', currentTaskCount: 1 })).agent).toMatchObject({
      status: 'busy',
      currentTaskCount: 1,
    });
  });

  it('channels', async () => {
    expect(
      (await lead.call('create_channel', { name: 'builds', description: 'CI', maxMessages: 100, maxAge: '7d' }))
        .created,
    ).toBe(true);
    const first = await lead.call('send_message', {
      channel: 'builds',
      message: 'build 1 green',
      idempotencyKey: 'b1',
    });
    const again = await lead.call('send_message', {
      channel: 'builds',
      message: 'build 1 green',
      idempotencyKey: 'b1',
    });
    expect(again.message.id).toBe(first.message.id);
    await lead.call('send_message', { channel: 'builds', message: 'thanks', replyTo: first.message.id });
    const page = await worker.call('read_messages', { channel: 'builds', unreadOnly: true });
    expect(page.messages.map((m: { body: string }) => m.body)).toEqual(['build 1 green', 'thanks']);
    expect((await worker.call('read_messages', { channel: 'builds', unreadOnly: true })).messages).toEqual([]);
    const list = await worker.call('list_channels');
    expect(list.channels.find((c: { name: string }) => c.name === 'builds')).toMatchObject({
      messageCount: 2,
      unread: 0,
      maxMessages: 100,
    });
    expect((await worker.call('wait_for_messages', { channels: ['builds'], timeoutMs: 0 })).timedOut).toBe(true);
  });

  it('direct messages', async () => {
    const sent = await lead.call('send_direct_message', {
      recipientGuid: workerGuid,
      message: 'ping',
      messageType: 'request',
      metadata: { pr: 42 },
    });
    expect(sent.recipientStatus).toBe('busy');
    const inbox = await worker.call('read_direct_messages', {});
    expect(inbox.messages).toMatchObject([{ body: 'ping', messageType: 'request', metadata: { pr: 42 } }]);
    expect(inbox.remaining).toBe(0);
  });

  it('work and the dead-letter queue', async () => {
    const { workItem } = await lead.call('broadcast_work_offer', {
      taskId: 'build-2',
      description: 'run build 2',
      requiredCapability: 'build',
      priority: 9,
      contextData: { ref: 'main' },
    });
    const claim = await worker.call('claim_work', { capability: 'build', timeout: 100 });
    expect(claim).toMatchObject({ claimed: true, workItem: { workItemId: workItem.workItemId, attempts: 1 } });
    expect(
      (
        await worker.call('report_work_progress', {
          workItemId: workItem.workItemId,
          progress: 40,
          message: 'compiling',
        })
      ).workItem.progress,
    ).toBe(40);
    expect(
      (await worker.call('complete_work', { workItemId: workItem.workItemId, result: { ok: true }, summary: 'green' }))
        .workItem.status,
    ).toBe('completed');
    const shown = await lead.call('get_work_item', { workItemId: workItem.workItemId });
    expect(shown.events.map((e: { type: string }) => e.type)).toEqual([
      'WorkOffered',
      'WorkClaimed',
      'WorkProgressReported',
      'WorkCompleted',
    ]);

    const flaky = (
      await lead.call('broadcast_work_offer', { taskId: 'build-3', description: 'flaky', requiredCapability: 'build' })
    ).workItem;
    await worker.call('claim_work', { capability: 'build', timeout: 100 });
    expect(
      (await worker.call('fail_work', { workItemId: flaky.workItemId, error: 'disk full', retryable: false })).workItem
        .status,
    ).toBe('dead-lettered');
    expect((await lead.call('list_work', { capability: 'build' })).depth.build).toMatchObject({
      completed: 1,
      deadLettered: 1,
    });
    expect(
      (await lead.call('list_dead_letter_items', {})).items.map((i: { workItemId: string }) => i.workItemId),
    ).toEqual([flaky.workItemId]);
    expect((await lead.call('retry_dead_letter_item', { itemId: flaky.workItemId })).workItem.status).toBe('offered');
    await worker.call('claim_work', { capability: 'build', timeout: 100 });
    await worker.call('fail_work', { workItemId: flaky.workItemId, error: 'still full', retryable: false });
    expect(await lead.call('discard_dead_letter_item', { itemId: flaky.workItemId })).toEqual({
      itemId: flaky.workItemId,
      discarded: true,
    });
  });

  it('deregister', async () => {
    expect((await worker.call('deregister_agent')).deregistered).toBe(true);
    expect((await lead.call('discover_agents', { capability: 'build' })).agents).toEqual([]);
  });
});
