import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkedFleet, type LinkedAgent } from './support/linked-agents.js';

/** For every tool: bad input is answered with isError and a message naming the problem, and the server keeps answering. */
const BIG = 'x'.repeat(5000); // the test fleet's WARP_MAX_MESSAGE_BYTES is 4096
const WORK_ID = '00000000-0000-0000-0000-000000000000';

const cases: Array<[tool: string, args: Record<string, unknown>, expected: RegExp]> = [
  ['set_handle', {}, /handle/],
  ['set_handle', { handle: 'Has Space' }, /handle/],
  ['set_handle', { handle: 'a.b' }, /handle/],
  ['set_handle', { handle: 42 }, /handle/],
  ['send_message', { channel: 'general' }, /message/],
  ['send_message', { channel: '>', message: 'x' }, /channel/],
  ['send_message', { channel: 'a.b', message: 'x' }, /channel/],
  ['send_message', { channel: 'general', message: '' }, /message/],
  ['send_message', { channel: 'general', message: BIG }, /message.*5000 bytes.*4096/],
  ['send_message', { channel: 'nope', message: 'x' }, /does not exist/],
  ['send_message', { channel: 'general', message: 'x', replyTo: 'abc' }, /replyTo/],
  ['read_messages', { channel: '*' }, /channel/],
  ['read_messages', { channel: 'general', limit: 0 }, /limit/],
  ['read_messages', { channel: 'general', limit: 1001 }, /limit/],
  ['read_messages', { channel: 'general', limit: 'ten' }, /limit/],
  ['read_messages', { channel: 'general', before: '-1' }, /before/],
  ['create_channel', { name: 'a b' }, /name/],
  ['create_channel', { name: 'ok-name', maxAge: 'forever' }, /maxAge/],
  ['create_channel', { name: 'ok-name', maxMessages: -5 }, /maxMessages/],
  ['wait_for_messages', { timeoutMs: 60_001 }, /timeoutMs/],
  ['wait_for_messages', { channels: ['a.b'] }, /channel/],
  ['wait_for_messages', { since: '#general=1;drop' }, /since.*previous wait_for_messages answer/],
  ['register_agent', {}, /agentType/],
  ['register_agent', { agentType: 'x', capabilities: ['>'] }, /capabilit/],
  ['register_agent', { agentType: 'x', capabilities: ['a.b'] }, /capabilit/],
  ['register_agent', { agentType: 'x', visibility: 'everyone' }, /visibility/],
  ['discover_agents', { capability: 'has space' }, /capability/],
  ['discover_agents', { status: 'sleeping' }, /status/],
  ['get_agent_info', {}, /guid/],
  ['get_agent_info', { guid: WORK_ID }, /not found/],
  ['update_presence', { currentTaskCount: -1 }, /currentTaskCount/],
  ['update_presence', { status: 'away' }, /status/],
  ['send_direct_message', { recipientGuid: WORK_ID }, /message/],
  ['send_direct_message', { recipientGuid: WORK_ID, message: 'hi', messageType: 'a.b' }, /messageType/],
  ['send_direct_message', { recipientGuid: WORK_ID, message: 'hi' }, /not found/],
  ['send_direct_message', { recipientGuid: WORK_ID, message: 'hi', metadata: 'not an object' }, /metadata/],
  ['read_direct_messages', { limit: 101 }, /limit/],
  ['read_direct_messages', { senderGuid: 7 }, /senderGuid/],
  ['broadcast_work_offer', { taskId: 't', description: 'd' }, /requiredCapability/],
  ['broadcast_work_offer', { taskId: 't', description: 'd', requiredCapability: '>' }, /requiredCapability/],
  ['broadcast_work_offer', { taskId: 't', description: 'd', requiredCapability: 'a.b' }, /requiredCapability/],
  ['broadcast_work_offer', { taskId: 't', description: 'd', requiredCapability: 'ok', priority: 11 }, /priority/],
  [
    'broadcast_work_offer',
    { taskId: 't', description: 'd', requiredCapability: 'ok', deadline: 'tomorrow' },
    /deadline/,
  ],
  [
    'broadcast_work_offer',
    { taskId: 't', description: 'd', requiredCapability: 'ok', deadline: '2001-01-01T00:00:00Z' },
    /deadline.*past/,
  ],
  [
    'broadcast_work_offer',
    { taskId: 't', description: 'd', requiredCapability: 'ok', contextData: { blob: 'y'.repeat(70_000) } },
    /contextData.*limit/,
  ],
  ['claim_work', { capability: '*' }, /capability/],
  ['claim_work', { capability: 'ok', timeout: 50 }, /timeout/],
  ['claim_work', { capability: 'not-mine', timeout: 100 }, /not registered with capability/],
  ['complete_work', {}, /workItemId/],
  ['complete_work', { workItemId: WORK_ID }, /not found/],
  ['fail_work', { workItemId: WORK_ID }, /error/],
  ['fail_work', { workItemId: WORK_ID, error: 'x' }, /not found/],
  ['report_work_progress', { workItemId: WORK_ID, progress: 101 }, /progress/],
  ['get_work_item', { workItemId: 'no/such' }, /workItemId/],
  ['get_work_item', { workItemId: WORK_ID }, /not found/],
  ['list_work', { status: 'lost' }, /status/],
  ['list_dead_letter_items', { limit: 0 }, /limit/],
  ['retry_dead_letter_item', {}, /itemId/],
  ['retry_dead_letter_item', { itemId: WORK_ID }, /not found/],
  ['discard_dead_letter_item', { itemId: WORK_ID }, /not found/],
  ['reserve_paths', {}, /paths/],
  ['reserve_paths', { paths: ['src/**'], ttlSeconds: 0 }, /ttlSeconds/],
  ['reserve_paths', { paths: ['/etc/passwd'] }, /outside|project/],
  ['release_paths', { paths: 'src/**' }, /paths/],
  ['list_reservations', { path: 5 }, /path/],
];

describe('bad input to every tool', () => {
  const fleet = linkedFleet();
  let agent: LinkedAgent;
  let stranger: LinkedAgent;
  beforeAll(async () => {
    agent = await fleet.agent('h1');
    stranger = await fleet.agent('h2');
    await agent.call('register_agent', { agentType: 'tester', capabilities: ['ok'] });
  });
  afterAll(async () => fleet.close());

  const label = (args: Record<string, unknown>): string => JSON.stringify(args).slice(0, 80);
  it.each(cases.map(([tool, args, expected]) => [tool, label(args), args, expected] as const))(
    '%s %s → isError',
    async (tool, _label, args, expected) => {
      expect(await agent.callError(tool, args)).toMatch(expected);
      expect((await agent.call('get_my_handle')).handle).toBe('tester');
    },
  );

  it('tools that need registration say so', async () => {
    for (const tool of ['read_direct_messages', 'update_presence', 'deregister_agent', 'claim_work']) {
      expect(await stranger.callError(tool, tool === 'claim_work' ? { capability: 'ok' } : {})).toMatch(
        /register_agent/,
      );
    }
    expect(await stranger.callError('send_message', { channel: 'general', message: 'x' })).toMatch(/set_handle/);
  });

  it('every tool is covered', async () => {
    const { tools } = await agent.client.listTools();
    expect(new Set(cases.map(([tool]) => tool))).toEqual(
      new Set(
        tools.map((t) => t.name).filter((n) => !['get_my_handle', 'list_channels', 'deregister_agent'].includes(n)),
      ),
    );
  });
});
