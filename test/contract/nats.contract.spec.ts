import { setTimeout as sleep } from 'node:timers/promises';
import { describe } from 'vitest';
import { SystemClock } from '../../src/adapters/system/system-clock.js';
import { useTestBackend } from '../support/nats-backend.js';
import { portContracts } from './all.contract.js';

describe('NATS backend honours the port contracts, on a real nats-server', () => {
  const at = useTestBackend();
  portContracts({
    ports: () => at.backend,
    clock: new SystemClock(),
    advance: (ms) => sleep(ms),
    settle: (work) => work,
  });
});
