import { setImmediate as turn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createMemoryBackend } from '../../../src/adapters/memory/memory-backend.js';
import { MemoryProcessProbe } from '../../../src/adapters/memory/memory-process-probe.js';
import { VirtualClock } from '../../../src/adapters/memory/virtual-clock.js';
import { CryptoIds } from '../../../src/adapters/system/crypto-ids.js';
import { createSessionDeps, createWarpApp, Session } from '../../../src/application/index.js';
import { claimWork } from '../../../src/application/work/claim-work.js';
import type { WorkItemEvent } from '../../../src/domain/index.js';
import { testSettings } from '../../support/memory-fleet.js';

describe('a waiting claim', () => {
  it('is woken by work that lands while it looks (the model can change between its awaits)', async () => {
    const clock = new VirtualClock();
    const ids = new CryptoIds();
    const session = new Session('proj', 'h', 'u', { session: ids.newId(), pid: 1 });
    const deps = createSessionDeps(
      createMemoryBackend(clock),
      clock,
      ids,
      session,
      testSettings,
      new MemoryProcessProbe(),
    );
    await createWarpApp(deps).registerAgent({ agentType: 'dev', capabilities: ['ts'] });
    const spec = {
      id: 'w-1',
      taskId: 't-1',
      description: 'x',
      capability: 'ts',
      priority: 5,
      offeredBy: 'boss',
      namespace: 'proj',
    };
    const offered: WorkItemEvent = { type: 'WorkOffered', v: 1, spec, maxAttempts: 3, at: 0 };
    await deps.events.append({ namespace: 'proj', kind: 'work', id: 'w-1' }, [offered], 0);
    // The offer reaches the model right after the claim's first look found nothing (as a hub's feed may).
    const look = deps.work.exclusive.bind(deps.work);
    let looks = 0;
    deps.work.exclusive = async (capability, claim) => {
      const found = await look(capability, claim);
      if (++looks === 1)
        deps.work.apply({ stream: { namespace: 'proj', kind: 'work', id: 'w-1' }, revision: 1, events: [offered] });
      return found;
    };
    let outcome: Awaited<ReturnType<typeof claimWork>> | undefined;
    void claimWork(deps, { capability: 'ts', timeout: 30_000 }).then((o) => (outcome = o));
    // The virtual clock stands still: only the change can wake it.
    for (let i = 0; i < 10 && !outcome; i++) await turn();
    expect(outcome).toMatchObject({ claimed: true, workItem: { workItemId: 'w-1' } });
  });
});
