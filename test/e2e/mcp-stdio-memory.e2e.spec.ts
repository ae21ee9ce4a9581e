import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StdioAgent } from '../support/stdio-agent.js';

describe('the built server over stdio (memory backend)', () => {
  let agent: StdioAgent;
  beforeAll(async () => {
    agent = await StdioAgent.start({ WARP_BACKEND: 'memory', WARP_NAMESPACE: 'stdio-test' });
  });
  afterAll(async () => agent.close());

  it('lists every tool with schemas and annotations', async () => {
    const { tools } = await agent.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'broadcast_work_offer',
      'claim_work',
      'complete_work',
      'create_channel',
      'deregister_agent',
      'discard_dead_letter_item',
      'discover_agents',
      'fail_work',
      'get_agent_info',
      'get_my_handle',
      'get_work_item',
      'list_channels',
      'list_dead_letter_items',
      'list_reservations',
      'list_work',
      'read_direct_messages',
      'read_messages',
      'register_agent',
      'release_paths',
      'report_work_progress',
      'reserve_paths',
      'retry_dead_letter_item',
      'send_direct_message',
      'send_message',
      'set_handle',
      'update_presence',
      'wait_for_messages',
    ]);
    for (const tool of tools) {
      expect(tool.description!.length).toBeGreaterThan(40);
      expect(tool.outputSchema).toBeDefined();
      expect(tool.annotations?.readOnlyHint).toBeTypeOf('boolean');
    }
  });

  it('answers calls with structured content, and bad input with isError', async () => {
    expect((await agent.call('get_my_handle')).namespace).toBe('stdio-test');
    const registered = await agent.call('register_agent', { agentType: 'tester', capabilities: ['qa'] });
    expect(registered.agent.handle).toBe('tester');
    expect(await agent.callError('send_message', { channel: 'a.b', message: 'x' })).toMatch(/channel/);
    expect(await agent.callError('claim_work', { capability: '>' })).toMatch(/capability/);
    const sent = await agent.call('send_message', { channel: 'roadmap', message: 'still alive' });
    expect(sent.message.id).toBe('1');
  });
});
