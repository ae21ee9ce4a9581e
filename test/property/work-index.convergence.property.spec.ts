import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryBackend } from '../../src/adapters/memory/memory-backend.js';
import { VirtualClock } from '../../src/adapters/memory/virtual-clock.js';
import { CryptoIds } from '../../src/adapters/system/crypto-ids.js';
import { OsProcessProbe } from '../../src/adapters/system/os-process-probe.js';
import {
  createSessionDeps,
  createWarpApp,
  Session,
  startSession,
  type Settings,
  type WarpApp,
} from '../../src/application/index.js';
import { DomainError, workItemDecider, type WorkItemEvent } from '../../src/domain/index.js';
import { LaggingEventStore } from '../support/lagging-event-store.js';
import { testSettings } from '../support/memory-fleet.js';

const settings: Settings = { ...testSettings, leaseMs: 1_000, maxAttempts: 10 };
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

type Op = 'claimA' | 'claimB' | 'failA' | 'failB' | 'completeA' | 'completeB' | 'deliver' | 'expireLease';
const ops = fc.array(
  fc.constantFrom<Op>('claimA', 'claimB', 'failA', 'failB', 'completeA', 'completeB', 'deliver', 'expireLease'),
  {
    minLength: 1,
    maxLength: 20,
  },
);

async function setUp() {
  const clock = new VirtualClock();
  const backend = createMemoryBackend(clock);
  const events = new LaggingEventStore(backend.events);
  const ids = new CryptoIds();
  const stops: Array<() => Promise<void>> = [];
  const session = async (hostname: string, agentType: string): Promise<WarpApp> => {
    const deps = createSessionDeps(
      { ...backend, events },
      clock,
      ids,
      new Session('proj', hostname, 'alice', { session: ids.newId(), pid: process.pid }),
      settings,
      new OsProcessProbe(),
    );
    const running = await startSession(deps, [], (error) => {
      throw error;
    });
    stops.push(() => running.stop());
    const app = createWarpApp(deps);
    await app.registerAgent({ agentType, capabilities: ['ts'] });
    return app;
  };
  const a = await session('host-a', 'dev-a');
  const b = await session('host-b', 'dev-b');
  return { clock, events, a, b, close: () => Promise.all(stops.map((stop) => stop())) };
}

/** Runs a claim to its end: when it waits on the clock, deliveries are released and the timeout passes. */
async function claim(env: Awaited<ReturnType<typeof setUp>>, app: WarpApp): Promise<void> {
  const before = env.clock.waiting;
  let settled = false;
  const pending = app.claimWork({ capability: 'ts', timeout: 100 }).finally(() => (settled = true));
  for (let turn = 0; !settled; turn++) {
    if (turn > 200) throw new Error('claim_work neither returned nor waited');
    await tick();
    if (!settled && env.clock.waiting > before) {
      env.events.deliver();
      await env.clock.advance(100);
    }
  }
  await pending;
}

const ignoreRejection = (error: unknown): void => {
  if (!(error instanceof DomainError)) throw error;
};

describe('work read models converge', () => {
  it('after every delivery, each session indexes the stored state of the item, whatever the delivery delays', async () => {
    await fc.assert(
      fc.asyncProperty(ops, async (steps) => {
        const env = await setUp();
        try {
          const { workItem } = await env.a.broadcastWorkOffer({
            taskId: 't1',
            description: 'x',
            requiredCapability: 'ts',
          });
          const id = workItem.workItemId;
          for (const step of steps) {
            const app = step.endsWith('A') ? env.a : env.b;
            if (step === 'deliver') env.events.deliver();
            else if (step === 'expireLease') await env.clock.advance(settings.leaseMs);
            else if (step.startsWith('claim')) await claim(env, app);
            else if (step.startsWith('fail'))
              await app.failWork({ workItemId: id, error: 'boom' }).catch(ignoreRejection);
            else await app.completeWork({ workItemId: id }).catch(ignoreRejection);
          }
          await tick();
          env.events.deliver();
          const stored = await env.a.deps.events.read<WorkItemEvent>({ namespace: 'proj', kind: 'work', id });
          const truth = stored.events.reduce(workItemDecider.evolve, workItemDecider.initialState());
          for (const app of [env.a, env.b]) {
            expect(app.deps.work.get(id)).toEqual({ state: truth, revision: stored.revision });
          }
        } finally {
          await env.close();
        }
      }),
      { numRuns: 100 },
    );
  });
});
