import { beforeAll, describe } from 'vitest';
import { createMemoryBackend, type MemoryBackend } from '../../src/adapters/memory/memory-backend.js';
import { VirtualClock } from '../../src/adapters/memory/virtual-clock.js';
import { portContracts } from './all.contract.js';

const MAX_TURNS = 1_000;

describe('memory backend honours the port contracts', () => {
  const clock = new VirtualClock();
  let backend: MemoryBackend;
  beforeAll(() => {
    backend = createMemoryBackend(clock);
  });
  portContracts({
    ports: () => backend,
    clock,
    advance: (ms) => clock.advance(ms),
    // Virtual time moves only when told: step it while the work is pending.
    async settle(work) {
      let settled = false;
      const tracked = work.finally(() => (settled = true));
      tracked.catch(() => undefined); // the caller sees the rejection from the returned promise
      for (let turn = 0; !settled; turn++) {
        if (turn > MAX_TURNS) throw new Error('work neither settled nor waited on the clock');
        await clock.advance(10);
      }
      return tracked;
    },
  });
});
