import { jetstreamManager } from '@nats-io/jetstream';
import type { Msg, NatsConnection } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverHubs } from '../../src/adapters/hub/hub-directory.js';
import type { StdioAgent } from '../support/stdio-agent.js';
import { stdioFleetOnNats } from '../support/stdio-fleet.js';
import { Attacker } from './attacker.js';

/** The deadline an honest agent's request must meet while another agent floods the hub. */
const HONEST_DEADLINE_MS = 2_000;
const FLOOD = 5_000;

interface StreamState {
  readonly name: string;
  readonly subjects: readonly string[];
  readonly messages: number;
  readonly firstSeq: number;
}

/**
 * The hub holds every right on the server and acts for whoever asks: an agent with its own valid
 * credential tries to make it write where the agent may not (reply subjects in `$JS.API`, `$KV`,
 * stream and notice subjects, another agent's inbox) and to silence it by flooding. Against the
 * server configuration `warp auth init` writes (ADR 0030, 0031).
 */
describe('the hub cannot be used against anyone else', () => {
  const fleet = stdioFleetOnNats({}, { auth: true, hub: {} });
  let admin: NatsConnection;
  let mallory: Attacker;
  let victim: StdioAgent;
  let stranger: StdioAgent;
  let victimGuid: string;

  const streams = async (): Promise<StreamState[]> => {
    const jsm = await jetstreamManager(admin);
    const found: StreamState[] = [];
    for await (const info of jsm.streams.list())
      found.push({
        name: info.config.name,
        subjects: info.config.subjects ?? [],
        messages: info.state.messages,
        firstSeq: info.state.first_seq,
      });
    return found.sort((a, b) => a.name.localeCompare(b.name));
  };
  const turnedAway = async (): Promise<Record<string, number>> =>
    (await discoverHubs(admin, Date.now()))[0]?.turnedAway ?? {};

  beforeAll(async () => {
    victim = await fleet.start({ NATS_CREDS: await fleet.creds('team', 'victim') });
    stranger = await fleet.start({ NATS_CREDS: await fleet.creds('other', 'stranger') });
    victimGuid = (await victim.call('register_agent', { agentType: 'victim', capabilities: ['build'] })).agent.guid;
    await stranger.call('register_agent', { agentType: 'stranger' });
    await victim.call('send_message', { channel: 'roadmap', message: 'plans' });
    const mate = await fleet.start({ NATS_CREDS: await fleet.creds('team', 'mate') });
    await mate.call('register_agent', { agentType: 'mate' });
    await mate.call('send_direct_message', { recipientGuid: victimGuid, message: 'for victim' });
    await victim.call('broadcast_work_offer', { taskId: 't-1', description: 'build it', requiredCapability: 'build' });
    await stranger.call('send_message', { channel: 'roadmap', message: 'their plans' });
    admin = await fleet.connectAdmin();
    mallory = await Attacker.connect(fleet.url(), await fleet.creds('team', 'mallory'));
  });
  afterAll(async () => {
    await mallory?.nc.close().catch(() => undefined);
    await admin?.close().catch(() => undefined);
  });

  it('answers only inside the caller inbox: replies aimed anywhere else arrive nowhere and change nothing', async () => {
    const before = await streams();
    expect(before.map((s) => s.name)).toEqual(expect.arrayContaining(['WARP_INBOX', 'KV_warp-registry']));
    const concrete = (subject: string): string => subject.replace(/\*/g, 'attack').replace(/>$/, 'attack');
    const targets = [
      ...before.flatMap((s) => [
        `$JS.API.STREAM.PURGE.${s.name}`,
        `$JS.API.STREAM.DELETE.${s.name}`,
        `$JS.API.STREAM.MSG.DELETE.${s.name}`,
        ...s.subjects.map(concrete),
      ]),
      '$KV.warp-registry.attack',
      '$JS.API.INFO',
      'warp.notify.team.work',
      'warp.notify.team.ch.roadmap',
      `warp.notify.dm.${victimGuid}`,
      `_INBOX_${victimGuid}.attack.1`,
      '_INBOX.attack.1',
    ];
    const arrived: Msg[] = [];
    const watches = targets.map((subject) =>
      admin.subscribe(subject, { callback: (error, m) => void (error ? undefined : arrived.push(m)) }),
    );
    await admin.flush();

    const own = (op: string) => `warp.hub.${op}.team.${mallory.identity.guid}`;
    const valid = JSON.stringify({ session: mallory.session(), credential: mallory.jwt });
    const bodies = [
      valid,
      'not json at all',
      JSON.stringify({ session: mallory.session() }),
      JSON.stringify({ session: mallory.session(), credential: `${mallory.jwt.slice(0, -8)}AAAAAAAA` }),
    ];
    const ops = ['listChannels', 'discoverAgents', 'claimWork', 'sendMessage'];
    let sent = 0;
    for (const reply of targets)
      for (const body of bodies)
        for (const op of ops) {
          mallory.nc.publish(own(op), body, { reply });
          sent++;
        }
    await mallory.nc.flush();
    // The hub has taken every one of them once it answers mallory's own honest request after them.
    await expect(mallory.ask(own('listChannels'), JSON.parse(valid))).resolves.toMatchObject({ ok: true });
    await admin.flush();

    expect(arrived.map((m) => m.subject)).toEqual([]);
    expect((await turnedAway())['droppedReply']).toBeGreaterThanOrEqual(sent);
    const after = await streams();
    expect(after.map((s) => s.name)).toEqual(before.map((s) => s.name));
    for (const stream of before) {
      const now = after.find((s) => s.name === stream.name)!;
      expect({ name: now.name, firstSeq: now.firstSeq }).toEqual({ name: stream.name, firstSeq: stream.firstSeq });
      expect(now.messages).toBeGreaterThanOrEqual(stream.messages);
    }
    for (const watch of watches) watch.unsubscribe();
    // What the agents had is all there.
    const inbox = await victim.call('read_direct_messages', {});
    expect(inbox.messages.map((m: { body: string }) => m.body)).toEqual(['for victim']);
    expect((await stranger.call('read_messages', { channel: 'roadmap' })).messages).toHaveLength(1);
    expect((await victim.call('list_work', {})).items).toHaveLength(1);
    expect((await stranger.call('discover_agents', {})).agents.map((a: { handle: string }) => a.handle)).toContain(
      'stranger',
    );
  });

  it(`a flood of ${FLOOD} valid and ${FLOOD} forged-credential requests: honest agents are answered within ${HONEST_DEADLINE_MS} ms, the hub stays connected`, async () => {
    const hubConnections = async (): Promise<number[]> => {
      const connz = (await (await fetch(`http://127.0.0.1:${await fleet.monitorPort()}/connz?limit=1000`)).json()) as {
        connections: Array<{ cid: number; name?: string }>;
      };
      return connz.connections
        .filter((c) => c.name === 'warp' || c.name === 'warp-hub-listen')
        .map((c) => c.cid)
        .sort();
    };
    const connectedBefore = await hubConnections();
    const alice = await Attacker.connect(fleet.url(), await fleet.creds('team', 'alice-raw'));
    const olga = await Attacker.connect(fleet.url(), await fleet.creds('other', 'olga-raw'));
    const honest = (agent: Attacker) =>
      agent.nc
        .request(
          `warp.hub.listChannels.${agent.identity.namespace}.${agent.identity.guid}`,
          JSON.stringify({ session: agent.session(), credential: agent.jwt }),
          { timeout: HONEST_DEADLINE_MS },
        )
        .then((m) => m.json<{ ok: boolean }>());

    const own = `warp.hub.listChannels.team.${mallory.identity.guid}`;
    const reply = `_INBOX_${mallory.identity.guid}.flood`;
    const valid = JSON.stringify({ session: mallory.session(), credential: mallory.jwt });
    const forged = (i: number) =>
      JSON.stringify({
        session: mallory.session(),
        credential: `${mallory.jwt.slice(0, -8)}${String(i).padStart(8, 'A')}`,
      });
    let answers = 0;
    mallory.nc.subscribe(reply, { callback: () => void answers++ });
    const flood = (body: (i: number) => string) => {
      for (let i = 0; i < FLOOD; i++) mallory.nc.publish(own, body(i), { reply });
    };

    flood(() => valid);
    // Handed to the server, so the honest requests queue behind the flood.
    await mallory.nc.flush();
    const duringValid = await Promise.all([
      ...Array.from({ length: 10 }, () => honest(alice)),
      ...Array.from({ length: 10 }, () => honest(olga)),
    ]);
    flood(forged);
    await mallory.nc.flush();
    const duringForged = await Promise.all([
      ...Array.from({ length: 10 }, () => honest(alice)),
      ...Array.from({ length: 10 }, () => honest(olga)),
    ]);
    expect([...duringValid, ...duringForged].every((r) => r.ok)).toBe(true);
    // Through MCP too, for both projects.
    await victim.call('send_message', { channel: 'roadmap', message: 'after the flood' });
    expect((await stranger.call('read_messages', { channel: 'roadmap' })).messages.at(-1).body).toBe('their plans');
    const counts = await turnedAway();
    expect((counts['rateLimited'] ?? 0) + (counts['busy'] ?? 0)).toBeGreaterThan(FLOOD);
    expect(await hubConnections()).toEqual(connectedBefore);
    expect(fleet.hub()!.running()).toBe(true);
    expect(answers).toBeGreaterThan(0);
    await alice.nc.close();
    await olga.nc.close();
  });

  it('waits are bounded per caller: a pile of them keeps only the newest few', async () => {
    const waiter = await Attacker.connect(fleet.url(), await fleet.creds('team', 'waiter'));
    const own = `warp.hub.waitForMessages.team.${waiter.identity.guid}`;
    const body = JSON.stringify({ session: waiter.session(), credential: waiter.jwt, input: { timeoutMs: 60_000 } });
    const before = (await turnedAway())['waitsReleased'] ?? 0;
    const reply = `_INBOX_${waiter.identity.guid}.waits`;
    const released = 36;
    const answered: Msg[] = [];
    // The hub answers each released wait at once, as timed out; the newest four wait on.
    const allReleased = new Promise<void>((resolve) =>
      waiter.nc.subscribe(reply, {
        callback: (error, m) => {
          if (!error) answered.push(m);
          if (answered.length === released) resolve();
        },
      }),
    );
    for (let i = 0; i < released + 4; i++) waiter.nc.publish(own, body, { reply });
    await allReleased;
    expect(answered.map((m) => m.json<{ result?: { timedOut?: boolean } }>().result?.timedOut)).toEqual(
      Array(released).fill(true),
    );
    expect(((await turnedAway())['waitsReleased'] ?? 0) - before).toBe(released);
    await waiter.nc.close();
  });

  it('the waits of a caller that has gone are released, not held until their timeout', async () => {
    const leaver = await Attacker.connect(fleet.url(), await fleet.creds('team', 'leaver'));
    const own = `warp.hub.waitForMessages.team.${leaver.identity.guid}`;
    const body = JSON.stringify({ session: leaver.session(), credential: leaver.jwt, input: { timeoutMs: 60_000 } });
    const reply = `_INBOX_${leaver.identity.guid}.gone`;
    leaver.nc.subscribe(`${reply}.*`);
    for (let i = 0; i < 3; i++) leaver.nc.publish(own, body, { reply: `${reply}.${i}` });
    await leaver.nc.flush();
    const released = async (): Promise<number> => (await turnedAway())['waitsReleased'] ?? 0;
    const before = await released();
    await leaver.nc.close();
    // The hub asks every few seconds whether anyone still listens where its waits answer.
    // (The waiter of the test before, gone too, may add its own four.)
    while ((await released()) < before + 3);
    expect(await released()).toBeGreaterThanOrEqual(before + 3);
  });
});
