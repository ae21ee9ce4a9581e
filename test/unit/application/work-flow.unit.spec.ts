import { afterEach, describe, expect, it } from 'vitest';
import { PAGE_BUDGET_BYTES } from '../../../src/application/shared/page-budget.js';
import { createFleet } from '../../support/memory-fleet.js';

describe('work flow on the memory backend', () => {
  let fleet = createFleet();
  afterEach(async () => {
    await fleet.close();
    fleet = createFleet();
  });

  it('offers, claims, completes exactly once', async () => {
    const boss = await fleet.agent({ hostname: 'h1' });
    const worker = await fleet.agent({ hostname: 'h2' });
    await boss.setHandle({ handle: 'boss' });
    await worker.registerAgent({ agentType: 'developer', capabilities: ['typescript'] });
    const { workItem } = await boss.broadcastWorkOffer({
      taskId: 't1',
      description: 'Fix bug',
      requiredCapability: 'typescript',
    });
    const claim = await worker.claimWork({ capability: 'typescript', timeout: 100 });
    expect(claim.claimed).toBe(true);
    if (!claim.claimed) return;
    expect(claim.workItem.workItemId).toBe(workItem.workItemId);
    const done = await worker.completeWork({ workItemId: workItem.workItemId, result: { ok: true } });
    expect(done.workItem.status).toBe('completed');
    const again = await worker.completeWork({ workItemId: workItem.workItemId });
    expect(again.alreadyCompleted).toBe(true);
  });

  it('a lease that expires gives the item to another agent, and the first holder can no longer complete it', async () => {
    const a = await fleet.agent({ hostname: 'h1' });
    const b = await fleet.agent({ hostname: 'h2' });
    await a.registerAgent({ agentType: 'dev-a', capabilities: ['ts'] });
    await b.registerAgent({ agentType: 'dev-b', capabilities: ['ts'] });
    const { workItem } = await a.broadcastWorkOffer({ taskId: 't2', description: 'x', requiredCapability: 'ts' });
    expect((await a.claimWork({ capability: 'ts', timeout: 100 })).claimed).toBe(true);
    await fleet.clock.advance(10_001);
    const second = await b.claimWork({ capability: 'ts', timeout: 100 });
    expect(second.claimed && second.workItem.attempts).toBe(2);
    await expect(a.completeWork({ workItemId: workItem.workItemId })).rejects.toThrow(/held by another agent/);
    expect((await b.completeWork({ workItemId: workItem.workItemId })).workItem.completedBy).toBe(
      second.claimed ? second.workItem.holder : '',
    );
  });

  it('dead-letters after max attempts, then retries and discards', async () => {
    const a = await fleet.agent();
    await a.registerAgent({ agentType: 'dev', capabilities: ['ts'] });
    const { workItem } = await a.broadcastWorkOffer({ taskId: 't3', description: 'x', requiredCapability: 'ts' });
    for (let i = 0; i < 3; i++) {
      const c = await a.claimWork({ capability: 'ts', timeout: 100 });
      expect(c.claimed).toBe(true);
      await a.failWork({ workItemId: workItem.workItemId, error: `boom ${i}` });
    }
    const dlq = await a.listDeadLetterItems({});
    expect(dlq.items.map((i) => i.workItemId)).toEqual([workItem.workItemId]);
    expect(dlq.items[0]!.attemptHistory.map((h) => h.reason)).toEqual([
      'failed: boom 0',
      'failed: boom 1',
      'failed: boom 2',
    ]);
    await a.retryDeadLetterItem({ itemId: workItem.workItemId });
    expect((await a.claimWork({ capability: 'ts', timeout: 100 })).claimed).toBe(true);
    await a.failWork({ workItemId: workItem.workItemId, error: 'again', retryable: false });
    await a.discardDeadLetterItem({ itemId: workItem.workItemId });
    expect((await a.listDeadLetterItems({})).total).toBe(0);
  });

  it('a waiting claim wakes when work is offered', async () => {
    const a = await fleet.agent();
    await a.registerAgent({ agentType: 'dev', capabilities: ['ts'] });
    const pending = a.claimWork({ capability: 'ts', timeout: 5000 });
    await a.broadcastWorkOffer({ taskId: 't4', description: 'x', requiredCapability: 'ts' });
    const result = await pending;
    expect(result.claimed).toBe(true);
  });

  it('list_work answers within the page budget and counts every match in total', async () => {
    const boss = await fleet.agent();
    await boss.setHandle({ handle: 'boss' });
    for (let n = 0; n < 20; n++) {
      await boss.broadcastWorkOffer({
        taskId: `big-${n}`,
        description: 'x',
        requiredCapability: 'ts',
        contextData: { blob: 'y'.repeat(60_000) },
      });
    }
    const listed = await boss.listWork({ limit: 500 });
    expect(listed.total).toBe(20);
    expect(listed.items.length).toBeGreaterThan(0);
    expect(listed.items.length).toBeLessThan(20);
    expect(JSON.stringify(listed.items).length).toBeLessThanOrEqual(PAGE_BUDGET_BYTES);
  });
});
