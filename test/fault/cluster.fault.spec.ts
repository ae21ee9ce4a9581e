import { eventsStream } from '../../src/adapters/nats/nats-names.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNatsCluster, type NatsClusterHandle, type NatsServerHandle } from '../support/nats-server.js';
import type { StdioAgent } from '../support/stdio-agent.js';
import { agentPool, askAgainUnanswered, drainInbox, faultTraffic, readChannel } from './fault-support.js';

/** The node that leads the given stream's replicas, from the monitoring endpoint of any node. */
async function streamLeader(cluster: NatsClusterHandle, stream: string): Promise<NatsServerHandle> {
  const res = await fetch(`http://127.0.0.1:${cluster.nodes[0]!.monitorPort}/jsz?streams=true`);
  const jsz = (await res.json()) as {
    account_details?: Array<{ stream_detail?: Array<{ name: string; cluster?: { leader?: string } }> }>;
  };
  const leader = jsz.account_details?.flatMap((a) => a.stream_detail ?? []).find((s) => s.name === stream)
    ?.cluster?.leader;
  const index = leader ? Number(leader.replace(/^n/, '')) - 1 : -1;
  const node = cluster.nodes[index];
  if (!node) throw new Error(`no leader known for ${stream}: ${JSON.stringify(jsz).slice(0, 500)}`);
  return node;
}

/**
 * Built Warp servers (separate processes) on a 3-node JetStream cluster, NATS_URL listing
 * every node and 3 replicas; the node leading the event stream is SIGKILLed mid-traffic.
 */
describe('a node of a 3-node cluster killed under running agents', () => {
  let cluster: NatsClusterHandle;
  const pool = agentPool();
  const start = (): Promise<StdioAgent> =>
    pool.start({
      NATS_URL: cluster.urls.join(','),
      WARP_REPLICAS: '3',
      WARP_NAMESPACE: 'cluster',
      WORKQUEUE_ACK_TIMEOUT: '2000',
      WARP_HEARTBEAT_MS: '500',
      WARP_STALE_AFTER_MS: '5000',
    });

  beforeAll(async () => {
    cluster = await startNatsCluster(3);
  });
  afterAll(async () => {
    await pool.closeAll();
    await cluster.dispose();
  });

  it(
    'keeps every acknowledged message, DM and work item, and the agents keep working',
    { timeout: 120_000 },
    async () => {
      const sender = await start();
      const worker = await start();
      await askAgainUnanswered(() => sender.call('register_agent', { agentType: 'sender' }));
      const { agent: w } = await askAgainUnanswered(() =>
        worker.call<{ agent: { guid: string } }>('register_agent', { agentType: 'worker', capabilities: ['ops'] }),
      );
      await askAgainUnanswered(() => sender.call('create_channel', { name: 'ops', description: 'cluster traffic' }));

      const faulting = faultTraffic(sender, worker, { guid: w.guid, channel: 'ops', capability: 'ops' });
      const { sent, dms, offered, completed } = faulting.seen;

      let round = 0;
      for (; round < 6; round++) await faulting.round(round);
      const victim = await streamLeader(cluster, eventsStream('cluster', 'work'));
      // Traffic flows until the node is gone, and for a few rounds while leaders are elected.
      round = await faulting.during(() => victim.kill(), round);
      // The same processes, on the surviving nodes: every call succeeds.
      for (const stop = round + 4; round < stop; round++) await faulting.sure(round);
      // The worker drains the queue, work offered after the kill included (and items whose holder's
      // completion went unanswered during the election, once their lease runs out). Its view of
      // the queue may lag, so the items' own records (get_work_item) say when it is done.
      const unfinished = async (): Promise<string[]> => {
        const left: string[] = [];
        for (const id of offered) {
          if (
            !completed.has(id) &&
            (await worker.call('get_work_item', { workItemId: id })).workItem.status !== 'completed'
          )
            left.push(id);
        }
        return left;
      };
      const drain = async (): Promise<void> => {
        for (;;) {
          const { depth } = await worker.call('list_work', { capability: 'ops', limit: 1 });
          if (depth['ops'].offered + depth['ops'].claimed === 0 && (await unfinished()).length === 0) return;
          const claim = await worker.call('claim_work', { capability: 'ops', timeout: 3_000 });
          if (claim.claimed)
            completed.add(
              (await worker.call('complete_work', { workItemId: claim.workItem.workItemId })).workItem.workItemId,
            );
        }
      };
      await drain();
      expect(sent.length).toBeGreaterThanOrEqual(10);

      // A newcomer, connected to a surviving node, sees everything that was acknowledged.
      const observer = await start();
      await observer.call('register_agent', { agentType: 'observer' });
      const bodies = (await readChannel(observer, 'ops')).map((m) => m.body);
      expect(bodies).toEqual(expect.arrayContaining(sent));
      expect(new Set(bodies).size).toBe(bodies.length);
      const inbox = await drainInbox(worker);
      expect(inbox).toEqual(expect.arrayContaining(dms));
      // Its view of the queue was replayed from the replicated event stream.
      // An offer whose answer was lost in the election may still be stored, and reach the hub's
      // feed once it has recovered: the worker drains that too, whatever the queue shows next.
      let listed = await observer.call('list_work', { capability: 'ops', limit: 500 });
      for (let rounds = 0; listed.depth['ops'].offered + listed.depth['ops'].claimed > 0 && rounds < 10; rounds++) {
        await drain();
        listed = await observer.call('list_work', { capability: 'ops', limit: 500 });
      }
      const status = new Map<string, string>(
        listed.items.map((i: { workItemId: string; status: string }) => [i.workItemId, i.status]),
      );
      for (const id of offered) expect(status.get(id), `work item ${id}`).toBe('completed');
      expect(listed.depth['ops']).toMatchObject({ offered: 0, claimed: 0 });
      // And an item's own history reads back from the surviving replicas.
      const last = [...completed].at(-1)!;
      const { events } = await observer.call('get_work_item', { workItemId: last });
      expect(events.filter((e: { type: string }) => e.type === 'WorkCompleted')).toHaveLength(1);
    },
  );
});
