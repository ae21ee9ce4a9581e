import { describe, expect, it } from 'vitest';
import { stdioFleetOnNats } from '../support/stdio-fleet.js';

const HOUR = 3_600_000;

/**
 * The work policy is the offering session's (SPEC §3, ADR 0035): WORKQUEUE_ACK_TIMEOUT,
 * WORKQUEUE_MAX_ATTEMPTS and WORKQUEUE_DLQ_TTL set on an MCP server rule the items it offers,
 * although a hub with the defaults (300 s, 3 attempts, 7 days) decides every claim and failure.
 */
describe('the work policy travels with the offer', () => {
  // The fleet's hub runs with the defaults: none of WORKQUEUE_* is set for it.
  const fleet = stdioFleetOnNats({ WARP_NAMESPACE: 'policy' }, { hub: {} });

  it("a session's WORKQUEUE_MAX_ATTEMPTS=1 dead-letters its item on the first failure; the hub's 3 rule the others", async () => {
    const strict = await fleet.start(
      { WORKQUEUE_MAX_ATTEMPTS: '1', WORKQUEUE_ACK_TIMEOUT: String(HOUR), WORKQUEUE_DLQ_TTL: String(HOUR) },
      { handle: 'strict' },
    );
    const lenient = await fleet.start({}, { handle: 'lenient' });
    await strict.call('register_agent', { agentType: 'strict', capabilities: ['build'] });
    await lenient.call('register_agent', { agentType: 'lenient', capabilities: ['build'] });

    const offered = await strict.call('broadcast_work_offer', {
      taskId: 'strict-1',
      description: 'one attempt only',
      requiredCapability: 'build',
    });
    expect(offered.workItem).toMatchObject({ status: 'offered', maxAttempts: 1 });
    // Claimed by another session, whose own settings (the defaults) are not the item's.
    const claim = await lenient.call('claim_work', { capability: 'build', timeout: 5_000 });
    expect(claim.workItem.workItemId).toBe(offered.workItem.workItemId);
    // The lease is the offering session's hour, not the hub's 300 s.
    expect(Date.parse(claim.workItem.leaseExpiresAt) - Date.now()).toBeGreaterThan(HOUR / 2);

    const failed = await lenient.call('fail_work', { workItemId: offered.workItem.workItemId, error: 'broken' });
    expect(failed.workItem).toMatchObject({ status: 'dead-lettered', deadLetterReason: 'max-attempts', attempts: 1 });
    // Kept for the offering session's WORKQUEUE_DLQ_TTL (an hour), not the hub's 7 days.
    const [attempt] = failed.workItem.attemptHistory;
    expect(Date.parse(failed.workItem.deadLetterExpiresAt) - Date.parse(attempt.at)).toBe(HOUR);
    const dlq = await strict.call('list_dead_letter_items', {});
    expect(dlq.items.map((i: { workItemId: string }) => i.workItemId)).toContain(offered.workItem.workItemId);

    // An item offered by a session with the defaults gets three attempts, as before.
    const other = await lenient.call('broadcast_work_offer', {
      taskId: 'lenient-1',
      description: 'three attempts',
      requiredCapability: 'build',
    });
    expect(other.workItem.maxAttempts).toBe(3);
    const again = await strict.call('claim_work', { capability: 'build', timeout: 5_000 });
    expect(again.workItem.workItemId).toBe(other.workItem.workItemId);
    const retried = await strict.call('fail_work', { workItemId: other.workItem.workItemId, error: 'flaky' });
    expect(retried.workItem).toMatchObject({ status: 'offered', attempts: 1, maxAttempts: 3 });
  });
});
