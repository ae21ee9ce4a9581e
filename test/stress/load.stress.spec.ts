import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNatsServer, type NatsServerHandle } from '../support/nats-server.js';
import { StdioAgent } from '../support/stdio-agent.js';

/**
 * Twenty agents, each its own built server process over stdio, on one real nats-server, all
 * at once: each sends numbered messages to a shared channel, direct messages to three others,
 * offers work to one shared queue (some of it under the same taskId as everyone else), and claims and completes work while the others do the same;
 * three of them read the channel while it is being written. The amount of work is fixed
 * (counts, not time). What goes in comes out exactly once, in per-sender order, and no server
 * process grows without bound.
 */

const AGENTS = 20;
const MESSAGES_PER_AGENT = 40;
const DMS_PER_AGENT = 5; // agent i writes to i+1 … i+5 (mod AGENTS), so each receives 5
const OFFERS_PER_AGENT = 10;
const SHARED_TASKS = 3; // every agent also offers these same taskIds, concurrently: each is stored once
const LIVE_READERS = 3; // agents 0..2 read the channel (unreadOnly) while it is written
const CHANNEL = 'parallel-work'; // a default channel: every server knows it from start-up
const CAPABILITY = 'load';
const TOTAL_MESSAGES = AGENTS * MESSAGES_PER_AGENT;
const TOTAL_WORK = AGENTS * OFFERS_PER_AGENT + SHARED_TASKS;
/** Blocking waits give up after this; the loops below then fail loudly instead of hanging. */
const WAIT_MS = 5_000;
const MAX_IDLE_CLAIMS = 40; // claims (500 ms each at most) that find nothing, per agent
const RSS_LIMIT_BYTES = 300 * 1024 * 1024;

interface Message {
  id: string;
  senderHandle: string;
  body: string;
}
interface Direct {
  id: string;
  senderGuid: string;
  body: string;
}

const handleOf = (i: number): string => `agent-${i}`;

function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  if (!line) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(/(\d+)\s*kB/.exec(line)![1]) * 1024;
}

/** Every message once, stream order, and each sender's messages in the order it sent them. */
function expectCompleteAndOrdered(
  reader: string,
  messages: readonly Message[],
  sent: ReadonlyMap<string, string>,
): void {
  const ids = messages.map((m) => Number(m.id));
  expect(new Set(ids).size, `${reader} got duplicates`).toBe(ids.length);
  expect(ids, `${reader} out of stream order`).toEqual([...ids].sort((x, y) => x - y));
  expect(new Map(messages.map((m) => [m.id, m.body])), `${reader} read something else than was sent`).toEqual(sent);
  const next = new Map<string, number>();
  for (const m of messages) {
    const [, sender, k] = /^m:(\d+):(\d+)$/.exec(m.body)!.map(Number) as [number, number, number];
    expect(m.senderHandle).toBe(handleOf(sender));
    expect(k, `${reader}: ${handleOf(sender)}'s message ${k} out of order`).toBe(next.get(m.senderHandle) ?? 0);
    next.set(m.senderHandle, k + 1);
  }
  expect([...next.values()]).toEqual(Array.from({ length: AGENTS }, () => MESSAGES_PER_AGENT));
}

describe(`load: ${AGENTS} server processes on one nats-server`, () => {
  let server: NatsServerHandle;
  let agents: StdioAgent[] = [];
  const guids: string[] = [];

  beforeAll(async () => {
    server = await startNatsServer();
    const env = { NATS_URL: server.url, WARP_NAMESPACE: 'load' };
    agents = await Promise.all(Array.from({ length: AGENTS }, () => StdioAgent.start(env)));
    const registered = await Promise.all(
      agents.map((a, i) => a.call('register_agent', { agentType: handleOf(i), capabilities: [CAPABILITY] })),
    );
    registered.forEach((r, i) => {
      expect(r.agent.handle).toBe(handleOf(i));
      guids.push(r.agent.guid);
    });
  }, 60_000);
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.close()));
    await server?.dispose();
  });

  it('counts in equal counts out: channel, direct messages and work, each exactly once', async () => {
    const sent = new Map<string, string>(); // message id → body, from send_message's answers
    const offered = new Set<string>();
    const sharedOffers = new Map<string, Array<{ id: string; created: boolean }>>(); // taskId → every agent's answer
    const claims = new Map<string, number[]>(); // work item id → agents that claimed it
    const completions = new Map<string, number[]>();

    const produce = async (i: number): Promise<void> => {
      const agent = agents[i]!;
      for (let k = 0; k < MESSAGES_PER_AGENT; k++) {
        const idempotencyKey = `m-${i}-${k}`;
        const { message } = await agent.call('send_message', {
          channel: CHANNEL,
          message: `m:${i}:${k}`,
          idempotencyKey,
        });
        expect(sent.has(message.id), `message id ${message.id} handed out twice`).toBe(false);
        sent.set(message.id, `m:${i}:${k}`);
        if (k % 10 === 0) {
          // A client retry of the same send: stored once, answered with the same id.
          const again = await agent.call('send_message', { channel: CHANNEL, message: `m:${i}:${k}`, idempotencyKey });
          expect(again.message.id).toBe(message.id);
        }
        if (k < DMS_PER_AGENT) {
          const to = (i + 1 + k) % AGENTS;
          await agent.call('send_direct_message', {
            recipientGuid: guids[to],
            message: `dm:${i}:${to}`,
            messageType: 'load',
          });
        }
        if (k < OFFERS_PER_AGENT) {
          const offer = await agent.call('broadcast_work_offer', {
            taskId: `task-${i}-${k}`,
            description: `work ${i}/${k}`,
            requiredCapability: CAPABILITY,
            priority: 1 + ((i + k) % 10),
          });
          expect(offer.created).toBe(true);
          offered.add(offer.workItem.workItemId);
        }
        if (k < SHARED_TASKS) {
          const taskId = `shared-${k}`;
          const offer = await agent.call('broadcast_work_offer', {
            taskId,
            description: `shared work ${k}`,
            requiredCapability: CAPABILITY,
          });
          sharedOffers.set(taskId, [
            ...(sharedOffers.get(taskId) ?? []),
            { id: offer.workItem.workItemId, created: offer.created },
          ]);
          offered.add(offer.workItem.workItemId);
        }
      }
    };

    const work = async (i: number): Promise<void> => {
      const agent = agents[i]!;
      let idle = 0;
      while (completions.size < TOTAL_WORK) {
        const claim = await agent.call('claim_work', { capability: CAPABILITY, timeout: 500 });
        if (!claim.claimed) {
          if (++idle > MAX_IDLE_CLAIMS)
            throw new Error(
              `${handleOf(i)} found no work ${idle} times with ${completions.size}/${TOTAL_WORK} completed`,
            );
          continue;
        }
        const id: string = claim.workItem.workItemId;
        claims.set(id, [...(claims.get(id) ?? []), i]);
        const done = await agent.call('complete_work', { workItemId: id, result: { by: i } });
        expect(done.alreadyCompleted).toBe(false);
        expect(done.workItem.status).toBe('completed');
        completions.set(id, [...(completions.get(id) ?? []), i]);
      }
    };

    const readInbox = async (i: number): Promise<Direct[]> => {
      const agent = agents[i]!;
      const got: Direct[] = [];
      const wait = { channels: [], includeDirect: true, includeWork: false };
      // Each wait goes on from the last message read (a wait position), so nothing sent in between is waited past.
      const { position } = await agent.call('wait_for_messages', { ...wait, timeoutMs: 0 });
      for (let round = 0; got.length < DMS_PER_AGENT; round++) {
        if (round > 20) throw new Error(`${handleOf(i)} has ${got.length}/${DMS_PER_AGENT} direct messages`);
        got.push(...(await agent.call('read_direct_messages', { limit: 10 })).messages);
        if (got.length < DMS_PER_AGENT)
          await agent.call('wait_for_messages', {
            ...wait,
            timeoutMs: WAIT_MS,
            since: got.length ? `dm=${got.at(-1)!.id}` : position,
          });
      }
      return got;
    };

    const readLive = async (i: number): Promise<Message[]> => {
      const agent = agents[i]!;
      const seen: Message[] = [];
      const wait = { channels: [CHANNEL], includeDirect: false, includeWork: false };
      const { position } = await agent.call('wait_for_messages', { ...wait, timeoutMs: 0 });
      for (let round = 0; seen.length < TOTAL_MESSAGES; round++) {
        if (round > 400) throw new Error(`${handleOf(i)} read ${seen.length}/${TOTAL_MESSAGES} channel messages`);
        const page = await agent.call('read_messages', { channel: CHANNEL, unreadOnly: true, limit: 25 });
        seen.push(...page.messages);
        if (page.messages.length === 0)
          await agent.call('wait_for_messages', {
            ...wait,
            timeoutMs: WAIT_MS,
            since: seen.length ? `#${CHANNEL}=${seen.at(-1)!.id}` : position,
          });
      }
      return seen;
    };

    const indices = Array.from({ length: AGENTS }, (_, i) => i);
    const [, , inboxes, live] = await Promise.all([
      Promise.all(indices.map(produce)),
      Promise.all(indices.map(work)),
      Promise.all(indices.map(readInbox)),
      Promise.all(indices.slice(0, LIVE_READERS).map(readLive)),
    ]);

    // Channel: every message read once by each live reader, in order; nothing more is unread.
    expect(sent.size).toBe(TOTAL_MESSAGES);
    live.forEach((messages, i) => expectCompleteAndOrdered(`live reader ${handleOf(i)}`, messages, sent));
    for (const i of indices.slice(0, LIVE_READERS)) {
      const rest = await agents[i]!.call('read_messages', { channel: CHANNEL, unreadOnly: true });
      expect(rest.messages).toEqual([]);
      expect(rest.unread).toBe(0);
    }
    // A late reader paging backwards through the whole history sees the same.
    const pager = agents[AGENTS - 1]!;
    const paged: Message[] = [];
    let before: string | undefined;
    for (let pages = 0; ; pages++) {
      expect(pages).toBeLessThan(TOTAL_MESSAGES);
      const page = await pager.call('read_messages', { channel: CHANNEL, limit: 40, ...(before ? { before } : {}) });
      paged.unshift(...page.messages);
      if (!page.hasMore) break;
      before = page.messages[0].id;
    }
    expectCompleteAndOrdered('backward pager', paged, sent);
    const listed = (await pager.call('list_channels')).channels.find((c: { name: string }) => c.name === CHANNEL);
    expect(listed.messageCount).toBe(TOTAL_MESSAGES);

    // Direct messages: each recipient got exactly the ones sent to it, once, and nothing is left.
    inboxes.forEach((got, to) => {
      const expected = Array.from({ length: DMS_PER_AGENT }, (_, d) => d + 1)
        .map((d) => (to - d + AGENTS) % AGENTS)
        .sort((x, y) => x - y);
      expect(new Set(got.map((m) => m.id)).size, `${handleOf(to)} got a direct message twice`).toBe(got.length);
      expect(got.map((m) => m.senderGuid).sort()).toEqual(expected.map((from) => guids[from]).sort());
      expect(got.map((m) => m.body).sort()).toEqual(expected.map((from) => `dm:${from}:${to}`).sort());
    });
    const leftovers = await Promise.all(agents.map((a) => a.call('read_direct_messages', { limit: 100 })));
    expect(leftovers.map((r) => r.messages.length)).toEqual(indices.map(() => 0));

    // The same taskId offered by every agent at once: one item, created by exactly one of them.
    for (const [taskId, answers] of sharedOffers) {
      expect(answers, taskId).toHaveLength(AGENTS);
      expect(new Set(answers.map((a) => a.id)).size, `${taskId} became several items`).toBe(1);
      expect(
        answers.filter((a) => a.created),
        `${taskId} reported created by several agents`,
      ).toHaveLength(1);
    }
    // Work: every offered item claimed once and completed once, by the agent that claimed it.
    expect(offered.size).toBe(TOTAL_WORK);
    expect(new Set(claims.keys())).toEqual(offered);
    expect(new Set(completions.keys())).toEqual(offered);
    for (const id of offered) {
      expect(claims.get(id), `work item ${id} claimed more than once`).toHaveLength(1);
      expect(completions.get(id)).toEqual(claims.get(id));
    }
    const queue = await agents[0]!.call('list_work', { capability: CAPABILITY, limit: 500 });
    expect(queue.depth[CAPABILITY]).toMatchObject({ offered: 0, claimed: 0 });
    expect(queue.items.filter((w: { status: string }) => w.status === 'completed')).toHaveLength(TOTAL_WORK);
    const sample = await agents[7]!.call('get_work_item', { workItemId: [...offered][42] });
    expect(sample.events.filter((e: { type: string }) => e.type === 'WorkCompleted')).toHaveLength(1);
  }, 90_000);

  it(`every server process stays under ${RSS_LIMIT_BYTES / 1024 / 1024} MB resident`, async () => {
    const rss = agents.map((a) => rssBytes(a.pid));
    console.log(
      `server RSS after the load: max ${(Math.max(...rss) / 1048576).toFixed(0)} MB, mean ${(rss.reduce((s, r) => s + r, 0) / rss.length / 1048576).toFixed(0)} MB`,
    );
    for (const [i, bytes] of rss.entries()) expect(bytes, `${handleOf(i)} RSS`).toBeLessThan(RSS_LIMIT_BYTES);
    // And all still answer.
    const handles = await Promise.all(agents.map((a) => a.call('get_my_handle')));
    expect(handles.map((h) => h.handle)).toEqual(agents.map((_, i) => handleOf(i)));
  });
});
