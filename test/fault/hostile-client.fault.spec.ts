import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StdioAgent } from '../support/stdio-agent.js';
import { stdioFleetOnNats } from '../support/stdio-fleet.js';
import { Attacker } from './attacker.js';

const RATE = 20;

/**
 * One agent's credentials in a hostile raw client, against a server configured by `warp auth
 * init`, while agents of two projects work through MCP: every attempt is refused or harmless.
 */
describe('a hostile client with one agent credential', () => {
  const fleet = stdioFleetOnNats(
    { WARP_HEARTBEAT_MS: '500', WARP_STALE_AFTER_MS: '5000' },
    { auth: true, hub: { WARP_HUB_RATE: String(RATE) } },
  );
  let mallory: Attacker;
  let victim: StdioAgent;
  let mate: StdioAgent;
  let stranger: StdioAgent;
  let victimGuid: string;
  let strangerGuid: string;

  beforeAll(async () => {
    victim = await fleet.start({ NATS_CREDS: await fleet.creds('team', 'victim') });
    mate = await fleet.start({ NATS_CREDS: await fleet.creds('team', 'mate') });
    stranger = await fleet.start({ NATS_CREDS: await fleet.creds('other', 'stranger') });
    victimGuid = (await victim.call('register_agent', { agentType: 'victim', capabilities: ['build'] })).agent.guid;
    await mate.call('register_agent', { agentType: 'mate' });
    strangerGuid = (await stranger.call('register_agent', { agentType: 'stranger', visibility: 'private' })).agent.guid;
    await mate.call('send_direct_message', { recipientGuid: victimGuid, message: 'secret for victim' });
    await stranger.call('send_message', { channel: 'roadmap', message: 'secret of the other project' });
    mallory = await Attacker.connect(fleet.url(), await fleet.creds('team', 'mallory'));
  });
  afterAll(async () => {
    await mallory?.nc.close().catch(() => undefined);
  });

  it('cannot subscribe beyond its own replies, project notices and inbox notices', async () => {
    const forbidden = [
      '>',
      'warp.>',
      'warp.ch.>',
      'warp.ev.>',
      'warp.inbox.>',
      'warp.hub.>',
      'warp.notify.>',
      'warp.notify.other.ch.*',
      `warp.notify.dm.${victimGuid}`,
      `warp.notify.dm.${strangerGuid}`,
      '$KV.>',
      '$JS.>',
      '_INBOX.>',
      `_INBOX_${victimGuid}.>`,
      '$SYS.>',
    ];
    for (const subject of forbidden) mallory.listen(subject);
    await Promise.all(forbidden.map((subject) => mallory.refused('subscription', subject)));
    // What it may hear: its own project's channel notices.
    mallory.listen('warp.notify.team.ch.*');
    await mallory.nc.flush();

    await stranger.call('send_message', { channel: 'roadmap', message: 'more secrets of the other project' });
    await mate.call('send_direct_message', { recipientGuid: victimGuid, message: 'another secret for victim' });
    await mate.call('send_message', { channel: 'roadmap', message: 'team news' });
    await mallory.nc.flush();
    const heard = mallory.received.map((m) => `${m.subject} ${new TextDecoder().decode(m.data)}`);
    expect(heard.some((h) => h.includes('team news'))).toBe(true);
    expect(heard.filter((h) => /secret/.test(h))).toEqual([]);
    expect(mallory.received.every((m) => m.subject.startsWith('warp.notify.team.ch.'))).toBe(true);
  });

  it('has no JetStream API: no stream or consumer administration, no direct gets, no KV', async () => {
    const jsm: JetStreamManager = await jetstreamManager(mallory.nc, { timeout: 3_000, checkAPI: false });
    const attempts: Array<[string, () => Promise<unknown>]> = [
      ['stream list', () => jsm.streams.list().next()],
      ['stream info', () => jsm.streams.info('WARP_EVENTS')],
      ['stream delete', () => jsm.streams.delete('WARP_EVENTS')],
      ['stream purge', () => jsm.streams.purge('WARP_INBOX')],
      ['stream update', () => jsm.streams.update('WARP_INBOX', { max_msgs: 1 })],
      ['capture stream', () => jsm.streams.add({ name: 'CAPTURE', subjects: ['warp.inbox.>', 'warp.ch.>'] })],
      ['consumer create', () => jsm.consumers.add('WARP_INBOX', { filter_subject: `warp.inbox.${victimGuid}` })],
      ['direct get', () => jsm.direct.getMessage('WARP_INBOX', { last_by_subj: `warp.inbox.${victimGuid}` })],
      ['direct get other', () => jsm.direct.getMessage('WARP_CH_other_roadmap', { seq: 1 })],
      ['kv put', async () => (await new Kvm(mallory.nc).open('warp-registry')).put(victimGuid, '{}')],
      ['account info', () => jsm.getAccountInfo()],
    ];
    const outcomes = await Promise.allSettled(attempts.map(([, attempt]) => attempt()));
    const allowed = attempts.filter((_, i) => outcomes[i]!.status === 'fulfilled').map(([name]) => name);
    expect(allowed).toEqual([]);
    await mallory.refused('publish', '$JS.API.STREAM.DELETE.WARP_EVENTS');
    // Nothing was lost: the victim's direct message and the other project's channel are intact.
    const inbox = await victim.call('read_direct_messages', {});
    expect(inbox.messages.map((m: { body: string }) => m.body)).toEqual([
      'secret for victim',
      'another secret for victim',
    ]);
    const roadmap = await stranger.call('read_messages', { channel: 'roadmap' });
    expect(roadmap.messages).toHaveLength(2);
  });

  it('cannot forge stored messages, notices, or hub requests as another agent', async () => {
    const forged = [
      'warp.ch.team.roadmap',
      `warp.inbox.${victimGuid}`,
      'warp.ev.team.work.forged',
      'warp.notify.team.ch.roadmap',
      `warp.notify.dm.${victimGuid}`,
      'warp.notify.team.work',
      '$KV.warp-registry.forged',
      `warp.hub.sendMessage.team.${victimGuid}`,
      `warp.hub.sendMessage.other.${mallory.identity.guid}`,
      'warp.hub.sendMessage.team.trusted-forged',
    ];
    for (const subject of forged) mallory.nc.publish(subject, JSON.stringify({ body: 'forged' }));
    await Promise.all(forged.map((subject) => mallory.refused('publish', subject)));

    // On its own subject, the hub takes the identity from the credential, never from the body.
    const own = `warp.hub.sendMessage.team.${mallory.identity.guid}`;
    const input = { channel: 'roadmap', message: 'forged as victim' };
    const asVictim = await mallory.ask(own, {
      session: mallory.session({ guid: victimGuid, handle: 'victim' }),
      input,
      credential: mallory.jwt,
    });
    expect(asVictim).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
    const noCredential = await mallory.ask(own, { session: mallory.session({ handle: 'victim' }), input });
    expect(noCredential).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
    const renamed = await mallory.ask(`warp.hub.setHandle.team.${mallory.identity.guid}`, {
      session: mallory.session(),
      input: { handle: 'victim' },
      credential: mallory.jwt,
    });
    expect(renamed).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const asHimself = await mallory.ask(own, {
      session: mallory.session({ handle: 'victim' }),
      input: { channel: 'roadmap', message: 'signed by mallory' },
      credential: mallory.jwt,
    });
    expect(asHimself).toMatchObject({ ok: true });

    const roadmap = await mate.call('read_messages', { channel: 'roadmap' });
    const bodies = roadmap.messages.map((m: { senderHandle: string; body: string }) => `${m.senderHandle}: ${m.body}`);
    expect(bodies).toContain('mallory: signed by mallory');
    expect(bodies.filter((b: string) => /forged/.test(b))).toEqual([]);
  });

  it('a flood is refused by rate and size for the flooder only; the fleet keeps working', async () => {
    const own = `warp.hub.listChannels.team.${mallory.identity.guid}`;
    const body = { session: mallory.session(), credential: mallory.jwt };
    const flood = await Promise.all(Array.from({ length: RATE * 5 }, () => mallory.ask(own, body)));
    const limited = flood.filter((r) => !r.ok);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited.every((r) => r.error?.code === 'rate_limited' || r.error?.code === 'busy')).toBe(true);
    // Meanwhile the others are served.
    await mate.call('send_message', { channel: 'roadmap', message: 'still here' });
    expect((await victim.call('read_messages', { channel: 'roadmap' })).messages.at(-1).body).toBe('still here');

    // Bigger than its credential allows: the client already knows the limit (the server told it),
    // so lie to the client; the server refuses and drops that connection only.
    expect(mallory.nc.info?.max_payload).toBe(262_144);
    (mallory.nc as unknown as { protocol: { info: { max_payload: number } } }).protocol.info.max_payload = 10_000_000;
    const cid = mallory.nc.info?.client_id;
    const closed = mallory.nc.closed();
    mallory.nc.publish(own, new Uint8Array(300_000));
    await closed;
    const connz = (await (
      await fetch(`http://127.0.0.1:${await fleet.monitorPort()}/connz?state=closed&cid=${cid}`)
    ).json()) as { connections: Array<{ reason: string }> };
    expect(connz.connections[0]?.reason).toMatch(/payload/i);
    await victim.call('send_message', { channel: 'roadmap', message: 'unaffected' });
    const { agent } = await stranger.call('get_agent_info', { guid: strangerGuid });
    expect(agent.handle).toBe('stranger');
    await stranger.call('send_message', { channel: 'roadmap', message: 'other project unaffected' });
  });
});
