import { readFileSync } from 'node:fs';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubSubject, type SessionWire } from '../../src/adapters/hub/hub-protocol.js';
import { HubProcess } from '../support/hub-process.js';
import { startNatsServer, type NatsServerHandle } from '../support/nats-server.js';
import type { StdioAgent } from '../support/stdio-agent.js';
import { agentPool } from './fault-support.js';

const NAMESPACE = 'burst';
const OFFERS = 50_000;
/** Offers before the burst, so the memory it starts from is a working session's, not an idle one's. */
const WARM_UP = 1_000;
/** Raw clients publishing the burst, and the requests each keeps in flight. */
const CLIENTS = 4;
const IN_FLIGHT = 64;
const MIB = 1024 * 1024;

/** Resident memory of a process, from the kernel. */
function rss(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB$/m);
  if (!line) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(line[1]) * 1024;
}

/** The envelope a session sends the hub, for a session that has no handle: offering needs none. */
const publisher = (n: number): SessionWire => ({
  namespace: NAMESPACE,
  hostname: 'burst-test',
  username: 'burst',
  holder: { session: `burst-${n}`, pid: 1 },
});

/** Offers `count` items through the hub endpoint as fast as the hub answers, `IN_FLIGHT` at a time. */
async function offerBurst(nc: NatsConnection, client: number, count: number, first: number): Promise<number> {
  const session = publisher(client);
  const subject = hubSubject('broadcastWorkOffer', NAMESPACE, session.holder.session);
  let next = first;
  let acknowledged = 0;
  const lane = async (): Promise<void> => {
    while (next < first + count) {
      const input = { taskId: `b${next++}`, description: 'burst', requiredCapability: 'burst' };
      const reply = (await nc.request(subject, JSON.stringify({ session, input }), { timeout: 60_000 })).json<{
        ok: boolean;
        error?: unknown;
      }>();
      if (!reply.ok) throw new Error(`the hub refused an offer: ${JSON.stringify(reply.error)}`);
      acknowledged++;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  return acknowledged;
}

/**
 * A burst of offers straight into a running hub's endpoint while a long-running session (an
 * agent with the offered capability, so its live feed sees every offer) keeps being used: the
 * session's memory does not follow the burst, and both keep answering during and after it.
 */
describe(`a burst of ${OFFERS} offers into a running hub and session`, () => {
  let nats: NatsServerHandle;
  let hub: HubProcess;
  const raw: NatsConnection[] = [];
  const pool = agentPool();

  beforeAll(async () => {
    nats = await startNatsServer();
    hub = await HubProcess.start({ NATS_URL: nats.url });
  });
  afterAll(async () => {
    await Promise.all(raw.map((nc) => nc.close()));
    await pool.closeAll();
    await hub.stop();
    await nats.dispose();
  });

  it('keeps the session within bounds and answering, during the burst and after it', { timeout: 300_000 }, async () => {
    // A Claude Code session: the work it is qualified for is pushed to it as it is offered.
    const agent: StdioAgent = await pool.start(
      { NATS_URL: nats.url, WARP_NAMESPACE: NAMESPACE, WARP_HUB: 'external' },
      { claudeChannel: true },
    );
    await agent.call('register_agent', { agentType: 'watcher', capabilities: ['burst'] });
    await agent.call('list_work', { capability: 'burst', limit: 1 });
    for (let i = 0; i < CLIENTS; i++) raw.push(await connect({ servers: nats.url }));
    await offerBurst(raw[0]!, 0, WARM_UP, OFFERS);
    await agent.waitForPush(() => agent.pushes.length >= WARM_UP);
    const before = { hub: rss(hub.pid!), session: rss(agent.pid) };

    const started = Date.now();
    let bursting = true;
    const share = OFFERS / CLIENTS;
    const burst = Promise.all(raw.map((nc, i) => offerBurst(nc, i, share, i * share))).finally(
      () => void (bursting = false),
    );
    // The agent keeps using its session while the burst runs: every call must answer.
    let answeredDuring = 0;
    let peakSession = before.session;
    while (bursting) {
      expect((await agent.call('get_my_handle')).connection).toBe('connected');
      await agent.call('list_work', { capability: 'burst', limit: 1 });
      peakSession = Math.max(peakSession, rss(agent.pid));
      answeredDuring++;
    }
    const acknowledged = (await burst).reduce((a, b) => a + b, 0);
    const seconds = (Date.now() - started) / 1000;

    // The session kept up with the burst: every offer reaches the agent as a push.
    await agent.waitForPush(() => agent.pushes.length >= WARM_UP + OFFERS);
    const listed = await agent.call('list_work', { capability: 'burst', limit: 1 });
    expect(listed.depth['burst'].offered).toBe(WARM_UP + OFFERS);
    expect(acknowledged).toBe(OFFERS);
    expect(answeredDuring).toBeGreaterThan(0);
    // New work still flows to the agent, after the burst.
    const claim = await agent.call('claim_work', { capability: 'burst', timeout: 1_000 });
    expect(claim.claimed).toBe(true);
    await agent.call('complete_work', { workItemId: claim.workItem.workItemId });
    expect((await agent.call('get_my_handle')).connection).toBe('connected');

    const after = { hub: rss(hub.pid!), session: rss(agent.pid) };
    peakSession = Math.max(peakSession, after.session);
    const mib = (n: number): string => `${(n / MIB).toFixed(0)} MiB`;
    console.info(
      `burst: ${OFFERS} offers after ${WARM_UP} (${agent.pushes.length} pushed to the session) in ${seconds.toFixed(1)} s (${Math.round(OFFERS / seconds)}/s), ` +
        `${answeredDuring} rounds of calls answered during it; ` +
        `session RSS ${mib(before.session)} -> ${mib(after.session)} (peak ${mib(peakSession)}), ` +
        `hub RSS ${mib(before.hub)} -> ${mib(after.hub)}`,
    );
    // The session holds no work model: its memory does not follow the number of offers.
    expect(peakSession - before.session).toBeLessThan(100 * MIB);
    // The hub holds every live item (50k offered ones here): bounded by live work, not by traffic.
    expect(after.hub - before.hub).toBeLessThan(600 * MIB);
  });
});
