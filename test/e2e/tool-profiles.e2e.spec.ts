import { afterAll, describe, expect, it } from 'vitest';
import { StdioAgent } from '../support/stdio-agent.js';

const IDENTITY = ['deregister_agent', 'get_my_handle', 'register_agent', 'set_handle'];

/** The counts the README documents for each profile. */
const PROFILES: Array<[string, number, string[]]> = [
  ['all', 27, ['wait_for_messages', 'discard_dead_letter_item', 'broadcast_work_offer', 'reserve_paths']],
  [
    'worker',
    11,
    [
      'claim_work',
      'complete_work',
      'fail_work',
      'report_work_progress',
      'send_direct_message',
      'read_direct_messages',
      'wait_for_messages',
    ],
  ],
  ['chat', 12, ['list_channels', 'send_message', 'read_messages', 'discover_agents', 'wait_for_messages']],
  ['coordinator', 20, ['broadcast_work_offer', 'list_work', 'retry_dead_letter_item', 'discover_agents']],
  ['work', 14, ['claim_work', 'broadcast_work_offer', 'list_work', 'reserve_paths', 'list_reservations']],
  ['files', 7, ['reserve_paths', 'release_paths', 'list_reservations']],
  ['channels,work', 18, ['send_message', 'claim_work', 'release_paths']],
];

describe('tool profiles over stdio (memory backend)', () => {
  const agents = new Map<string, Promise<StdioAgent>>();
  const start = (tools: string): Promise<StdioAgent> => {
    if (!agents.has(tools))
      agents.set(tools, StdioAgent.start({ WARP_BACKEND: 'memory', WARP_NAMESPACE: 'profiles', WARP_TOOLS: tools }));
    return agents.get(tools)!;
  };
  afterAll(async () => Promise.all([...agents.values()].map(async (a) => (await a).close())));

  it.each(PROFILES)('WARP_TOOLS=%s lists %i tools, identity and registration included', async (tools, count, some) => {
    const listed = (await (await start(tools)).client.listTools()).tools.map((t) => t.name);
    expect(listed).toHaveLength(count);
    expect(listed).toEqual(expect.arrayContaining([...IDENTITY, ...some]));
  });

  it('keeps the model-facing cost at most 500 characters a tool on average (description + input schema)', async () => {
    const { tools } = await (await start('all')).client.listTools();
    const costs = tools.map((t) => (t.description ?? '').length + JSON.stringify(t.inputSchema).length);
    const average = costs.reduce((a, b) => a + b, 0) / tools.length;
    process.stderr.write(`tool context cost: ${tools.length} tools, ${average.toFixed(1)} characters a tool\n`);
    expect(tools).toHaveLength(27);
    expect(average).toBeLessThanOrEqual(500);
  });

  it('marks wait_for_messages and the inbox tools to stay loaded, and nothing else', async () => {
    const { tools } = await (await start('all')).client.listTools();
    const alwaysLoaded = tools.filter((t) => t._meta?.['anthropic/alwaysLoad'] === true).map((t) => t.name);
    expect(alwaysLoaded.sort()).toEqual(['read_direct_messages', 'send_direct_message', 'wait_for_messages']);
  });
});
