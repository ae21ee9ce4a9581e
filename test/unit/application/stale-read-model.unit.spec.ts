import { describe, expect, it } from 'vitest';
import { createMemoryBackend } from '../../../src/adapters/memory/memory-backend.js';
import { VirtualClock } from '../../../src/adapters/memory/virtual-clock.js';
import { CryptoIds } from '../../../src/adapters/system/crypto-ids.js';
import { OsProcessProbe } from '../../../src/adapters/system/os-process-probe.js';
import { createSessionDeps, createWarpApp, Session, startSession } from '../../../src/application/index.js';
import { LaggingEventStore } from '../../support/lagging-event-store.js';
import { testSettings } from '../../support/memory-fleet.js';

describe('a session whose read model lags behind the store', () => {
  it('does not reject on stale state: the rejection is checked against the store first', async () => {
    const clock = new VirtualClock();
    const backend = createMemoryBackend(clock);
    const events = new LaggingEventStore(backend.events);
    const ids = new CryptoIds();
    const session = async (host: string, capabilities: string[]) => {
      const deps = createSessionDeps(
        { ...backend, events },
        clock,
        ids,
        new Session('proj', host, 'alice', { session: ids.newId(), pid: process.pid }),
        testSettings,
        new OsProcessProbe(),
      );
      await startSession(deps, [], (error) => {
        throw error;
      });
      const app = createWarpApp(deps);
      await app.registerAgent({ agentType: `dev-${host}`, capabilities });
      return app;
    };
    const boss = await session('boss', []);
    const worker = await session('worker', ['ts']);
    const { workItem } = await boss.broadcastWorkOffer({ taskId: 't1', description: 'x', requiredCapability: 'ts' });
    events.deliver();
    const claim = await worker.claimWork({ capability: 'ts', timeout: 100 });
    expect(claim.claimed).toBe(true);
    await worker.failWork({ workItemId: workItem.workItemId, error: 'cannot', retryable: false });
    // The boss has not been told of the claim or the failure, yet can discard the dead letter.
    expect(boss.deps.work.get(workItem.workItemId)?.state.status).toBe('offered');
    await boss.discardDeadLetterItem({ itemId: workItem.workItemId });
    expect((await boss.getWorkItem({ workItemId: workItem.workItemId })).workItem.status).toBe('discarded');
  });
});
