import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { compactFinishedWork, createSessionDeps, Session } from '../../src/application/index.js';
import { OsProcessProbe } from '../../src/adapters/system/os-process-probe.js';
import { SystemClock } from '../../src/adapters/system/system-clock.js';
import { openThinSession } from '../../src/composition/thin-session.js';
import { startInProcessHub, type InProcessHub } from '../support/in-process-hub.js';
import { settings, workQueueContract, type SessionFactory } from './work-queue.contract.js';

/**
 * The work-queue contract again, through thin sessions and a hub on a real nats-server: every claim,
 * completion and listing crosses NATS request/reply, and gives what the in-process sessions give.
 */
describe('the work queue through a hub, on a real nats-server', () => {
  let at: InProcessHub;
  beforeAll(async () => {
    at = await startInProcessHub(settings, '0.0.0-contract');
  });
  afterAll(async () => {
    await at?.stop();
    expect(at?.failures).toEqual([]);
  });

  const thin: SessionFactory = async (ns, host) => {
    const { backend, clock, ids, failures, namespaces } = at;
    const deps = createSessionDeps(
      backend,
      clock,
      ids,
      new Session(ns, host, 'alice', { session: ids.newId(), pid: process.pid }),
      settings,
      new OsProcessProbe(),
    );
    const { app, running } = await openThinSession(deps, backend.connection, [], (error) => failures.push(error));
    // Compaction is the hub's upkeep: run a round of it on the hub's models of this namespace.
    const compact = async (): Promise<number> => {
      const { models } = await namespaces.get(ns)!;
      const hubSession = new Session(ns, 'hub', 'hub', { session: ids.newId(), pid: process.pid });
      return compactFinishedWork(
        createSessionDeps(backend, clock, ids, hubSession, settings, new OsProcessProbe(), models),
      );
    };
    return { app, stop: () => running.stop(), compact };
  };

  workQueueContract(
    { ports: () => at.backend, clock: new SystemClock(), advance: (ms) => sleep(ms), settle: (work) => work },
    thin,
  );
});
