import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe } from 'vitest';
import type { NatsBackend } from '../../src/adapters/nats/nats-backend.js';
import { SystemClock } from '../../src/adapters/system/system-clock.js';
import { openTestBackend } from '../support/nats-backend.js';
import { startNatsServer, type NatsServerHandle } from '../support/nats-server.js';
import { portContracts } from './all.contract.js';

describe('NATS backend honours the port contracts, on a real nats-server', () => {
  let server: NatsServerHandle;
  let backend: NatsBackend;
  beforeAll(async () => {
    server = await startNatsServer();
    backend = await openTestBackend(server.url);
  });
  afterAll(async () => {
    await backend?.close();
    await server?.dispose();
  });
  portContracts({ ports: () => backend, clock: new SystemClock(), advance: (ms) => sleep(ms), settle: (work) => work });
});
