import { describe, expect, it } from 'vitest';
import { openOnly, stdioFleetOnNats } from '../support/stdio-fleet.js';

/** How many subscriptions the nats-server holds on `subject` (its monitoring endpoint). */
async function subscribers(monitorPort: number, subject: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${monitorPort}/connz?subs=1&limit=1024`);
  const body = (await res.json()) as { connections?: Array<{ subscriptions_list?: string[] }> };
  return (body.connections ?? []).flatMap((c) => c.subscriptions_list ?? []).filter((s) => s === subject).length;
}

async function until(what: string, check: () => Promise<boolean>, deadlineMs = 15_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('wait_for_messages and tool profiles, real MCP clients on NATS', () => {
  const fleet = stdioFleetOnNats({ WARP_NAMESPACE: 'agent-ux', WARP_PUSH: 'none' });

  it('with old unread waiting, returns with a DM that arrives during the wait; then waits the full timeout', async () => {
    const sender = await fleet.start({}, { handle: 'sender' });
    const sleeper = await fleet.start({}, { handle: 'sleeper' });
    await sender.call('register_agent', { agentType: 'sender' });
    const { agent: me } = await sleeper.call('register_agent', { agentType: 'sleeper' });
    await sender.call('send_message', { channel: 'roadmap', message: 'old news, left unread' });
    await sender.call('send_direct_message', { recipientGuid: me.guid, message: 'old dm, left unread' });

    const subject = `warp.notify.dm.${me.guid}`;
    const monitor = await fleet.monitorPort();
    const before = await subscribers(monitor, subject);
    const waiting = sleeper.call('wait_for_messages', { timeoutMs: 30_000 });
    // The wait has started once its server subscribes to the DM notices (no event tells the client).
    await until('the wait to subscribe', async () => (await subscribers(monitor, subject)) > before);
    await sender.call('send_direct_message', { recipientGuid: me.guid, message: 'new dm during the wait' });
    const woken = await waiting;
    expect(woken.timedOut).toBe(false);
    expect(woken.arrivals).toEqual([
      expect.objectContaining({ kind: 'direct', from: 'sender', text: 'new dm during the wait' }),
    ]);
    expect(woken.pending).toMatchObject({ inbox: 1, channels: { roadmap: 1 } });

    // Nothing new since that answer: the old unread does not end the wait, which lasts its whole timeout.
    const startedAt = Date.now();
    const idle = await sleeper.call('wait_for_messages', { timeoutMs: 1_500, since: woken.position });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1_500);
    expect(idle).toMatchObject({ arrivals: [], timedOut: true, pending: { inbox: 2, channels: { roadmap: 1 } } });
  });

  // Read from the stream's position, not from a notice the credential lets it hear.
  openOnly('a message sent between two waits is returned at once by the second', async () => {
    const sender = await fleet.start({}, { handle: 'between-sender' });
    const reader = await fleet.start({}, { handle: 'between-reader' });
    await reader.call('register_agent', { agentType: 'between-reader' });
    const first = await reader.call('wait_for_messages', { channels: ['errors'], timeoutMs: 0 });
    await sender.call('send_message', { channel: 'errors', message: 'disk full' });
    const second = await reader.call('wait_for_messages', {
      channels: ['errors'],
      timeoutMs: 30_000,
      since: first.position,
    });
    expect(second.arrivals.map((a: { text: string }) => a.text)).toEqual(['disk full']);
  });

  openOnly('an agent with WARP_TOOLS=work registers and claims work', async () => {
    const lead = await fleet.start({}, { handle: 'lead' });
    const worker = await fleet.start({ WARP_TOOLS: 'work' }, { handle: 'builder' });
    const names = (await worker.client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['register_agent', 'set_handle', 'claim_work', 'complete_work']));
    expect(names).not.toContain('send_message');
    await lead.call('register_agent', { agentType: 'lead' });
    const { agent } = await worker.call('register_agent', { agentType: 'builder', capabilities: ['build'] });
    expect(agent.handle).toBe('builder');
    const offer = await lead.call('broadcast_work_offer', {
      taskId: 'build-1',
      description: 'build it',
      requiredCapability: 'build',
    });
    const claimed = await worker.call('claim_work', { capability: 'build', timeout: 10_000 });
    const id = offer.workItem.workItemId;
    expect(claimed).toMatchObject({ claimed: true, workItem: { workItemId: id } });
    const done = await worker.call('complete_work', { workItemId: id, summary: 'built' });
    expect(done.workItem.status).toBe('completed');
  });
});
