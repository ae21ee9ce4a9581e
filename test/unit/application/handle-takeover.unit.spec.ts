import { afterEach, describe, expect, it } from 'vitest';
import { HandleTaken } from '../../../src/domain/index.js';
import { createFleet, testSettings } from '../../support/memory-fleet.js';

/** Sessions on one memory backend; their pretend processes die when the test ends their pids. */
describe('who may take a handle (memory backend)', () => {
  let fleet = createFleet();
  afterEach(async () => {
    await fleet.close();
    fleet = createFleet();
  });

  it('a second session on the same host cannot take a live agent handle; after its process dies it can, at once, with the same guid', async () => {
    const first = await fleet.agent({ hostname: 'h1', pid: 41 });
    const { agent } = await first.registerAgent({ agentType: 'dev' });
    const second = await fleet.agent({ hostname: 'h1', pid: 42 });
    await expect(second.setHandle({ handle: 'dev' })).rejects.toThrow(HandleTaken);
    await expect(second.setHandle({ handle: 'dev' })).rejects.toThrow(/Handle "dev" is held by a live session/);
    await expect(second.registerAgent({ agentType: 'dev' })).rejects.toThrow(/Handle "dev"/);
    expect((await second.getMyHandle()).handle).toBeNull();

    fleet.processes.end(41);
    const { agent: taken } = await second.registerAgent({ agentType: 'dev' });
    expect(taken.guid).toBe(agent.guid);
    // The old session (had it not died) no longer holds it: the new one does.
    await expect(first.registerAgent({ agentType: 'dev' })).rejects.toThrow(HandleTaken);
  });

  it('from another host the handle is held while the heartbeat is fresh, and free once it is stale', async () => {
    // Heartbeats slower than the stale threshold: time passing is a session that stopped beating.
    await fleet.close();
    fleet = createFleet({ ...testSettings, heartbeatMs: 60_000 });
    const first = await fleet.agent({ hostname: 'h1' });
    await first.registerAgent({ agentType: 'dev' });
    const elsewhere = await fleet.agent({ hostname: 'h2' });
    await expect(elsewhere.registerAgent({ agentType: 'dev' })).rejects.toThrow(HandleTaken);
    await fleet.clock.advance(testSettings.staleAfterMs - 1);
    await expect(elsewhere.setHandle({ handle: 'dev' })).rejects.toThrow(HandleTaken);
    await fleet.clock.advance(2);
    const { agent } = await elsewhere.registerAgent({ agentType: 'dev' });
    expect(agent.handle).toBe('dev');
  });

  it('the same session registers again freely, and a clean shutdown frees the handle at once', async () => {
    const first = await fleet.agent({ hostname: 'h1' });
    const { agent } = await first.registerAgent({ agentType: 'dev' });
    expect((await first.registerAgent({ agentType: 'dev', capabilities: ['ts'] })).agent.guid).toBe(agent.guid);
    await first.setHandle({ handle: 'dev' });
    await fleet.close(); // every session shuts down cleanly
    const next = await fleet.agent({ hostname: 'h2' });
    expect((await next.registerAgent({ agentType: 'dev' })).agent.handle).toBe('dev');
  });

  it('registering under another handle lets go of the previous one', async () => {
    const first = await fleet.agent({ hostname: 'h1' });
    await first.registerAgent({ agentType: 'dev' });
    await first.setHandle({ handle: 'reviewer' });
    await first.registerAgent({ agentType: 'reviewer' });
    const second = await fleet.agent({ hostname: 'h1' });
    expect((await second.registerAgent({ agentType: 'dev' })).agent.handle).toBe('dev');
  });
});
