import { describe, expect, it } from 'vitest';
import { AUTH_EVERYWHERE, stdioFleetOnNats } from '../support/stdio-fleet.js';
import { within } from './support/exit-deadline.js';

describe('the server goes offline and exits when its MCP transport ends', () => {
  // Staleness would take 90 s: an agent shown offline sooner said goodbye.
  const fleet = stdioFleetOnNats({ WARP_NAMESPACE: 'transport-exit', LOG_LEVEL: 'INFO' });

  it('after a 12 MB request line', async () => {
    const observer = await fleet.start();
    const victim = await fleet.start();
    const { agent } = await victim.call('register_agent', { agentType: 'flooded' });
    expect((await observer.call('get_agent_info', { guid: agent.guid })).agent.status).toBe('online');

    victim.sendRaw({ jsonrpc: '2.0', method: 'notifications/flood', params: { pad: 'x'.repeat(12 * 1024 * 1024) } });
    await within(victim.exited(), 'exit after a 12 MB line');

    expect(victim.stderr()).toMatch(/shutting down reason="a request line is over 10485760 bytes"/);
    expect((await observer.call('get_agent_info', { guid: agent.guid })).agent.status).toBe('offline');
  });

  it('when its stdin closes, before the client would resort to SIGTERM', async () => {
    const observer = await fleet.start();
    const leaving = await fleet.start();
    const { agent } = await leaving.call('register_agent', { agentType: 'leaving' });

    // Ends stdin, and sends SIGTERM only if the server is still there 2 s later.
    await within(leaving.close(), 'exit after stdin closed');

    expect(leaving.stderr()).toMatch(/shutting down reason="stdin closed"/);
    expect(leaving.stderr()).not.toMatch(/reason=SIGTERM/);
    expect((await observer.call('get_agent_info', { guid: agent.guid })).agent.status).toBe('offline');
  });
});

describe('shutdown with NATS gone', () => {
  // Open, the session's embedded hub goes down with it too; sealed sessions need the fleet's hub.
  const fleet = stdioFleetOnNats({ WARP_NAMESPACE: 'no-goodbye', LOG_LEVEL: 'INFO' }, { hub: AUTH_EVERYWHERE && {} });

  it('does not wait for NATS to come back before exiting', async () => {
    const agent = await fleet.start();
    await agent.call('register_agent', { agentType: 'stranded' });
    await fleet.server().stop();
    agent.kill('SIGTERM');
    await within(agent.exited(), 'exit with NATS down');
    // Saying offline would retry for 12 s; the bound cuts it short.
    expect(agent.stderr()).toMatch(/shutdown took too long; exiting without a clean goodbye afterMs=3000/);
  });
});
