import { afterEach, describe, expect, it } from 'vitest';
import type { Push } from '../../../src/application/index.js';
import { createFleet } from '../../support/memory-fleet.js';

const ALL = new Set(['dm', 'mentions', 'work'] as const);

function collector() {
  const pushes: Push[] = [];
  let wake: (() => void) | undefined;
  return {
    pushes,
    push: (p: Push) => {
      pushes.push(p);
      wake?.();
    },
    async until(count: number): Promise<void> {
      while (pushes.length < count) await new Promise<void>((resolve) => (wake = resolve));
    },
  };
}

describe('agent feed (push)', () => {
  let fleet = createFleet();
  afterEach(async () => {
    await fleet.close();
    fleet = createFleet();
  });

  it("pushes B's direct message, mention and qualified work offer to B only", async () => {
    const a = await fleet.agent({ hostname: 'h1' });
    const b = await fleet.agent({ hostname: 'h2' });
    await a.registerAgent({ agentType: 'alice', capabilities: ['ts'] });
    const { agent: bob } = await b.registerAgent({ agentType: 'bob', capabilities: ['ts'] });
    const forA = collector();
    const forB = collector();
    const subs = [await a.startAgentFeed(ALL, forA.push), await b.startAgentFeed(ALL, forB.push)];

    const dm = await a.sendDirectMessage({ recipientGuid: bob.guid, message: 'psst' });
    const mention = await a.sendMessage({ channel: 'general', message: 'hey @bob, look' });
    await a.sendMessage({ channel: 'general', message: 'no mention of @bobby here' });
    const offer = await a.broadcastWorkOffer({ taskId: 't', description: 'do it', requiredCapability: 'ts' });
    await forB.until(3);

    expect(forB.pushes.map((p) => p.meta)).toEqual([
      { kind: 'dm', from: 'alice', from_guid: expect.any(String), message_id: dm.message.id, message_type: 'text' },
      { kind: 'mention', channel: 'general', from: 'alice', message_id: mention.message.id },
      {
        kind: 'work',
        work_item_id: offer.workItem.workItemId,
        task_id: 't',
        capability: 'ts',
        priority: '5',
        from: expect.any(String),
      },
    ]);
    expect(forA.pushes).toEqual([]);
    expect((await b.readDirectMessages({})).messages).toHaveLength(1);
    await Promise.all(subs.map((s) => s.close()));
  });

  it('pushes only the chosen kinds', async () => {
    const a = await fleet.agent({ hostname: 'h1' });
    const b = await fleet.agent({ hostname: 'h2' });
    await a.registerAgent({ agentType: 'alice' });
    const { agent: bob } = await b.registerAgent({ agentType: 'bob' });
    const forB = collector();
    const sub = await b.startAgentFeed(new Set(['mentions'] as const), forB.push);
    await a.sendDirectMessage({ recipientGuid: bob.guid, message: 'not pushed' });
    await a.sendMessage({ channel: 'general', message: '@bob pushed' });
    await forB.until(1);
    expect(forB.pushes.map((p) => p.content)).toEqual(['@bob pushed']);
    await sub.close();
  });
});
