import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BIN } from '../support/stdio-agent.js';
import { stdioFleetOnNats } from '../support/stdio-fleet.js';

const run = promisify(execFile);

/**
 * Two built servers on one host and one nats-server: the second cannot take the first one's
 * handle while it runs, and takes it (same guid, same inbox) as soon as the first is SIGKILLed.
 * The stale threshold stays at its 90 s default, so nothing here waits for a heartbeat to age.
 */
describe('a live agent keeps its handle (separate processes over NATS)', () => {
  const fleet = stdioFleetOnNats({ WARP_NAMESPACE: 'takeover' });
  // A session that will try for "dev": open, it starts without a handle; with authentication, it
  // holds dev's credential too (one credential in two sessions), so it already names itself dev.
  const contender = () => fleet.start({}, fleet.auth ? { handle: 'dev' } : {});

  it('a second session is refused the handle; after the first is killed it takes the identity at once', async () => {
    const first = await fleet.start({}, { handle: 'dev' });
    const { agent } = await first.call('register_agent', { agentType: 'dev', capabilities: ['ts'] });
    const sender = await fleet.start({}, { handle: 'sender' });
    await sender.call('register_agent', { agentType: 'sender' });
    await sender.call('send_direct_message', { recipientGuid: agent.guid, message: 'for dev only' });

    const second = await contender();
    expect(await second.callError('set_handle', { handle: 'dev' })).toMatch(/Handle "dev" is held by a live session/);
    expect(await second.callError('register_agent', { agentType: 'dev' })).toMatch(/Handle "dev"/);
    expect((await second.call('get_my_handle')).guid).toBeNull();

    // The CLI acting as the live agent is refused too (exit 2, rejected), and reads nothing.
    const cli = await run(process.execPath, [BIN, 'inbox', '--as', 'dev'], {
      env: { ...process.env, ...(await fleet.clientEnv('dev')), WARP_NAMESPACE: 'takeover' },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/Handle "dev" is held by a live session/);

    first.kill('SIGKILL');
    await first.exited();
    const { agent: taken } = await second.call('register_agent', { agentType: 'dev' });
    expect(taken.guid).toBe(agent.guid);
    const inbox = await second.call('read_direct_messages', {});
    expect(inbox.messages.map((m: { body: string }) => m.body)).toEqual(['for dev only']);
    // Now the first session's successor holds it: a third is refused in turn.
    const third = await contender();
    expect(await third.callError('register_agent', { agentType: 'dev' })).toMatch(/Handle "dev"/);
  });

  it('a clean shutdown frees the handle for the next session at once', async () => {
    const first = await fleet.start({}, { handle: 'reviewer' });
    const { agent } = await first.call('register_agent', { agentType: 'reviewer' });
    await first.close();
    await first.exited();
    const next = await fleet.start({}, { handle: 'reviewer' });
    expect((await next.call('register_agent', { agentType: 'reviewer' })).agent.guid).toBe(agent.guid);
  });
});
