import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubProcess } from '../support/hub-process.js';
import { startNatsServer, type NatsServerHandle } from '../support/nats-server.js';
import { StdioAgent } from '../support/stdio-agent.js';
import { rawCall } from '../fault/fault-support.js';

const MAX_PAYLOAD = 16_384;

/**
 * An answer of the hub larger than the server's max_payload (here a work item's history on a
 * server that takes 16 KiB) comes back at once as a refusal that says what to do, not as a
 * timeout that leaves the session guessing whether the hub is there.
 */
describe('a hub answer larger than max_payload', () => {
  let nats: NatsServerHandle;
  let hub: HubProcess;
  let agent: StdioAgent;

  beforeAll(async () => {
    nats = await startNatsServer({ config: `max_payload: ${MAX_PAYLOAD}\n` });
    hub = await HubProcess.start({ NATS_URL: nats.url });
    agent = await StdioAgent.start({ NATS_URL: nats.url, WARP_NAMESPACE: 'large', WARP_HUB: 'external' });
  });
  afterAll(async () => {
    await agent?.close();
    await hub?.stop();
    await nats?.dispose();
  });

  it('is refused with the sizes and what to do, and the hub serves on', async () => {
    await agent.call('register_agent', { agentType: 'writer', capabilities: ['big'] });
    const offer = async (taskId: string): Promise<string> =>
      (await agent.call('broadcast_work_offer', { taskId, description: 'x', requiredCapability: 'big' })).workItem
        .workItemId;
    const long = await offer('long');
    const short = await offer('short');
    await agent.call('claim_work', { capability: 'big', timeout: 100 });
    // Each note fits a message; together they outgrow one answer.
    for (let i = 1; i <= 5; i++)
      await agent.call('report_work_progress', { workItemId: long, progress: i * 10, message: `${i}`.repeat(4_000) });

    const answer = await rawCall(agent, 'get_work_item', { workItemId: long }, 30_000);
    expect(answer.isError, answer.text).toBe(true);
    expect(answer.text).toMatch(
      new RegExp(
        `^The answer is \\d+ bytes, more than this NATS server takes \\(max_payload ${MAX_PAYLOAD}\\): ask for less`,
      ),
    );
    expect((await agent.call('get_work_item', { workItemId: short })).workItem.status).toBe('offered');
  });
});
