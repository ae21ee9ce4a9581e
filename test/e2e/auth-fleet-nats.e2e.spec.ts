import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BIN, type StdioAgent } from '../support/stdio-agent.js';
import { stdioFleetOnNats } from '../support/stdio-fleet.js';

const run = promisify(execFile);

/**
 * The main multi-agent flows with authentication on: each agent runs with its own credentials only.
 * Work between agents and pushes with credentials are the e2e-auth run's (multi-agent-nats,
 * push-and-presence-nats, in vitest.config.ts): the same flows, sealed.
 */
describe('agents with credentials on a server configured by warp auth init', () => {
  const fleet = stdioFleetOnNats({ WARP_HEARTBEAT_MS: '200', WARP_STALE_AFTER_MS: '1000' }, { auth: true });
  const agent = async (project: string, handle: string): Promise<StdioAgent> =>
    fleet.start({ NATS_CREDS: await fleet.creds(project, handle) });

  it('identity comes from the credential: its own handle is accepted, any other refused', async () => {
    const alice = await agent('team', 'alice');
    const me = await alice.call('get_my_handle', {});
    expect(me).toMatchObject({ handle: 'alice', namespace: 'team' });
    expect((await alice.call('set_handle', { handle: 'alice' })).handle).toBe('alice');
    expect(await alice.callError('set_handle', { handle: 'bob' })).toMatch(/credential names it "alice"/);
    const { agent: registered } = await alice.call('register_agent', { agentType: 'planner' });
    expect(registered.handle).toBe('alice');
    expect((await alice.call('get_my_handle', {})).guid).toBe(registered.guid);
  });

  it('channels, direct messages and discovery across projects of a public agent', async () => {
    const carol = await agent('team', 'carol');
    const dave = await agent('team', 'dave');
    const outsider = await agent('elsewhere', 'outsider');
    await carol.call('register_agent', { agentType: 'carol' });
    const { agent: daveAgent } = await dave.call('register_agent', { agentType: 'dave', visibility: 'public' });
    const { agent: out } = await outsider.call('register_agent', { agentType: 'outsider', visibility: 'public' });

    const sent = await carol.call('send_message', { channel: 'roadmap', message: 'hello @dave' });
    const read = await dave.call('read_messages', { channel: 'roadmap' });
    expect(read.messages.map((m: { id: string; body: string }) => [m.id, m.body])).toEqual([
      [sent.message.id, 'hello @dave'],
    ]);
    // Another project's channel of the same name is another channel.
    expect((await outsider.call('read_messages', { channel: 'roadmap' })).messages).toEqual([]);

    const seen = (await carol.call('discover_agents', {})).agents.map((a: { handle: string }) => a.handle);
    expect(seen).toContain('outsider');
    await carol.call('send_direct_message', { recipientGuid: out.guid, message: 'hi from team' });
    const inbox = await outsider.call('read_direct_messages', {});
    expect(inbox.messages.map((m: { body: string }) => m.body)).toEqual(['hi from team']);
    await outsider.call('send_direct_message', { recipientGuid: daveAgent.guid, message: 'hi dave' });
    expect((await dave.call('read_direct_messages', {})).messages.map((m: { body: string }) => m.body)).toEqual([
      'hi dave',
    ]);
  });

  it('with the default limits, more projects than a 10 GiB account held each get their channels (ADR 0023)', async () => {
    // Each channel reserves its 1 GiB maxBytes: an account limit of 10 GiB refused the fourth project.
    for (const project of ['p1', 'p2', 'p3', 'p4', 'p5']) {
      const member = await agent(project, 'member');
      const sent = await member.call('send_message', { channel: 'roadmap', message: `hello from ${project}` });
      expect(sent.message.body).toBe(`hello from ${project}`);
    }
  });
});

describe('the CLI with credentials', () => {
  const fleet = stdioFleetOnNats({ WARP_HEARTBEAT_MS: '200', WARP_STALE_AFTER_MS: '1000' }, { auth: true });
  const warp = (args: string[], env: Record<string, string> = {}) =>
    run(process.execPath, [BIN, ...args], {
      env: { ...process.env, NATS_URL: fleet.url(), LOG_LEVEL: 'WARN', ...env },
    });

  it('warp auth add-agent prints the credential path last; the CLI runs as that agent', async () => {
    const dir = fleet.authDir().root;
    const added = await warp(['auth', 'add-agent', '--dir', dir, '--project', 'cli-team', '--name', 'scribe']);
    const creds = added.stdout.trim().split('\n').at(-1)!;
    expect(creds).toMatch(/scribe\.creds$/);
    expect(added.stdout + added.stderr).not.toMatch(/SUAM|BEGIN NATS/);
    await warp(['send', 'roadmap', 'hello from the cli'], { NATS_CREDS: creds });
    const read = await warp(['read', 'roadmap', '--json'], { NATS_CREDS: creds });
    expect(read.stdout).toMatch(/"senderHandle":"scribe".*hello from the cli/);
    const refused = await warp(['send', 'roadmap', 'as someone else', '--as', 'boss'], { NATS_CREDS: creds }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(refused).toMatchObject({ code: 2, stderr: expect.stringMatching(/credential names it "scribe"/) });
    const doctor = async (env: Record<string, string>): Promise<string> =>
      (await warp(['doctor'], env).catch((error: { stdout: string }) => error)).stdout;
    expect(await doctor({ NATS_CREDS: creds })).toMatch(
      /ok\s+credentials\s+accepted: agent scribe of project cli-team/,
    );
    expect(await doctor({ NATS_CREDS: fleet.authDir().hubCreds })).toMatch(/ok\s+jetstream\s+enabled/);
    // The hub's credential is privileged: the CLI may act for any project with it.
    const admin = { NATS_CREDS: fleet.authDir().hubCreds, WARP_NAMESPACE: 'cli-team' };
    const asAdmin = await warp(['read', 'roadmap', '--json', '--as', 'operator'], admin);
    expect(asAdmin.stdout).toMatch(/hello from the cli/);
    const listed = await warp(['auth', 'list', '--dir', dir]);
    expect(listed.stdout).toMatch(/cli-team\tscribe\t.*\tactive/);

    const revoked = await warp(['auth', 'revoke', '--dir', dir, '--project', 'cli-team', '--name', 'scribe']);
    expect(revoked.stdout).toMatch(/applied it/);
    const shut = await warp(['read', 'roadmap'], { NATS_CREDS: creds }).catch((error: { code: number }) => error);
    expect(shut).toMatchObject({ code: 3 });
    expect((await warp(['auth', 'list', '--dir', dir])).stdout).toMatch(/cli-team\tscribe\t.*\trevoked/);
  });
});
