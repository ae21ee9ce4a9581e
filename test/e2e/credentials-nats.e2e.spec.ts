import { describe, expect, it } from 'vitest';
import { stdioFleetOnNats } from '../support/stdio-fleet.js';

const SECRET = 's3cr3t-Pa55';

describe('credentials in NATS_URL', () => {
  const fleet = stdioFleetOnNats({ WARP_NAMESPACE: 'secrets', LOG_LEVEL: 'DEBUG' });

  it('never appear in tool output, registry entries or logs', async () => {
    // The test server has no auth, so it accepts any credentials: what matters is where they go.
    const agent = await fleet.start({
      NATS_URL: `nats://warp-user:${encodeURIComponent(SECRET)}@127.0.0.1:${await fleet.port()}`,
    });
    const outputs = [
      await agent.call('get_my_handle'),
      await agent.call('register_agent', { agentType: 'careful', capabilities: ['ts'] }),
      await agent.call('discover_agents', { includeOffline: true }),
      await agent.call('send_message', { channel: 'roadmap', message: 'hello' }),
      await agent.callError('claim_work', { capability: 'not-mine' }),
    ];
    await agent.close();
    expect(agent.stderr()).toMatch(/starting backend=nats/);
    const seen = JSON.stringify(outputs) + agent.stderr();
    expect(seen).toContain('127.0.0.1');
    expect(seen).not.toContain(SECRET);
    expect(seen).not.toContain(encodeURIComponent(SECRET));
    expect(seen).not.toContain('warp-user:');
  });
});
