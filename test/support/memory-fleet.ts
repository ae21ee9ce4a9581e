import {
  createSessionDeps,
  createWarpApp,
  Session,
  startSession,
  type Settings,
  type WarpApp,
} from '../../src/application/index.js';
import { createMemoryBackend } from '../../src/adapters/memory/memory-backend.js';
import { VirtualClock } from '../../src/adapters/memory/virtual-clock.js';
import { MemoryProcessProbe } from '../../src/adapters/memory/memory-process-probe.js';
import { CryptoIds } from '../../src/adapters/system/crypto-ids.js';

export const testSettings: Settings = {
  maxMessageBytes: 4096,
  leaseMs: 10_000,
  maxAttempts: 3,
  dlqTtlMs: 60_000,
  workRetentionMs: 604_800_000,
  heartbeatMs: 1_000,
  staleAfterMs: 3_000,
  channelLimits: { maxMessages: 100_000, maxBytes: 67_108_864, maxChannels: 256, maxReservedBytes: 1_073_741_824 },
};

export interface AgentOptions {
  readonly namespace?: string;
  readonly hostname?: string;
  readonly username?: string;
  /** The session's pretend process (see `processes`); a fresh one by default. */
  readonly pid?: number;
}

/** Several agent sessions on one in-memory backend and one virtual clock. */
export function createFleet(settings: Settings = testSettings) {
  const clock = new VirtualClock();
  const backend = createMemoryBackend(clock);
  const ids = new CryptoIds();
  const processes = new MemoryProcessProbe();
  let nextPid = 1000;
  const stops: Array<() => Promise<void>> = [];
  return {
    clock,
    backend,
    /** End a pid here to play a session's process dying. */
    processes,
    async agent(options: AgentOptions = {}): Promise<WarpApp> {
      const session = new Session(
        options.namespace ?? 'proj',
        options.hostname ?? 'host-a',
        options.username ?? 'alice',
        { session: ids.newId(), pid: options.pid ?? nextPid++ },
      );
      const deps = createSessionDeps(backend, clock, ids, session, settings, processes);
      const running = await startSession(deps, [{ name: 'general', description: 'General talk' }], (e) => {
        throw e;
      });
      stops.push(() => running.stop());
      return createWarpApp(deps);
    },
    async close(): Promise<void> {
      await Promise.all(stops.map((stop) => stop()));
    },
  };
}
