import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubProcess } from '../support/hub-process.js';
import { startNatsServer, type NatsServerHandle } from '../support/nats-server.js';
import type { StdioAgent } from '../support/stdio-agent.js';
import { agentPool, rawCall, readChannel, UNAVAILABLE } from './fault-support.js';

/**
 * The only hub of a NATS server is SIGKILLed under running agents whose sessions may not start
 * one of their own (WARP_HUB=external, as with credentials). Calls that need the hub fail and
 * say how to get one; a hub started again catches up with the stream and work flows on.
 */
describe('the only hub killed and restarted', () => {
  let nats: NatsServerHandle;
  let hub: HubProcess | undefined;
  const pool = agentPool();
  const start = (): Promise<StdioAgent> =>
    pool.start({ NATS_URL: nats.url, WARP_NAMESPACE: 'lonehub', WARP_HUB: 'external' });

  beforeAll(async () => {
    nats = await startNatsServer();
    hub = await HubProcess.start({ NATS_URL: nats.url });
  });
  afterAll(async () => {
    await pool.closeAll();
    await hub?.stop();
    await nats.dispose();
  });

  it(
    'calls say to start `warp hub` while none runs; a restarted hub has the state from before and serves new work',
    {
      timeout: 120_000,
    },
    async () => {
      const boss = await start();
      const worker = await start();
      await boss.call('register_agent', { agentType: 'boss', capabilities: ['idle'] });
      await worker.call('register_agent', { agentType: 'worker', capabilities: ['ops'] });
      await boss.call('create_channel', { name: 'ops', description: 'hub restart' });
      const offer = async (taskId: string): Promise<string> =>
        (await boss.call('broadcast_work_offer', { taskId, description: 'x', requiredCapability: 'ops' })).workItem
          .workItemId;
      const done = await offer('before-done');
      const pending = await offer('before-pending');
      expect((await worker.call('claim_work', { capability: 'ops', timeout: 100 })).workItem.workItemId).toBe(done);
      await worker.call('complete_work', { workItemId: done });

      // A claim waiting on the hub when it dies (most likely: a call made after it has been answered)
      // ends with an error too, by the session's own timeout, or at once if it had not reached the hub.
      const waiting = rawCall(boss, 'claim_work', { capability: 'idle', timeout: 3_000 });
      await boss.call('get_work_item', { workItemId: pending });
      await hub!.kill();
      hub = undefined;

      const inFlight = await waiting;
      expect(inFlight.isError, inFlight.text).toBe(true);
      expect(inFlight.text).toMatch(UNAVAILABLE);
      expect(inFlight.text).toMatch(/warp hub/);
      for (const [name, args] of [
        ['list_work', { capability: 'ops' }],
        ['broadcast_work_offer', { taskId: 'while-down', description: 'x', requiredCapability: 'ops' }],
        ['get_work_item', { workItemId: pending }],
      ] as const) {
        // The MCP client's own timeout is only a backstop: the session answers within its 5 s.
        const down = await rawCall(worker, name, args, 30_000);
        expect(down.isError, `${name}: ${down.text}`).toBe(true);
        expect(down.text).toMatch(UNAVAILABLE);
        expect(down.text).toMatch(/`warp hub`/);
      }
      // What does not need the hub still works: the session itself, and channel messages.
      expect(await worker.call('get_my_handle')).toMatchObject({ backend: 'nats', connection: 'connected' });
      await boss.call('send_message', { channel: 'ops', message: 'sent while no hub runs' });

      hub = await HubProcess.start({ NATS_URL: nats.url });

      // The state from before the kill, replayed by the new hub.
      const listed = await worker.call('list_work', { capability: 'ops' });
      const status = new Map(
        listed.items.map((i: { workItemId: string; status: string }) => [i.workItemId, i.status] as const),
      );
      expect(status.get(done)).toBe('completed');
      expect(status.get(pending)).toBe('offered');
      expect(listed.depth['ops']).toMatchObject({ offered: 1, claimed: 0, completed: 1 });
      expect(status.size).toBe(2);
      // And new work flows through it, the item from before first.
      const after = await offer('after-restart');
      const first = await worker.call('claim_work', { capability: 'ops', timeout: 1_000 });
      expect(first.workItem.workItemId).toBe(pending);
      await worker.call('complete_work', { workItemId: pending });
      const second = await worker.call('claim_work', { capability: 'ops', timeout: 1_000 });
      expect(second.workItem.workItemId).toBe(after);
      await worker.call('complete_work', { workItemId: after });
      for (const id of [done, pending, after])
        expect((await boss.call('get_work_item', { workItemId: id })).workItem.status).toBe('completed');
      expect((await readChannel(worker, 'ops')).map((m) => m.body)).toContain('sent while no hub runs');
    },
  );
});
