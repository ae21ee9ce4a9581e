import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './test/support/longest-first-sequencer.js';

/**
 * Every session, hub and hook a test starts keeps its records, sockets and logs here, never in the
 * user's own runtime dir; test/support/global-setup.ts removes it after the run.
 */
export const TEST_RUNTIME_DIR = join(tmpdir(), `warp-test-runtime-${process.pid}`);
mkdirSync(TEST_RUNTIME_DIR, { recursive: true, mode: 0o700 });

/**
 * The end-to-end files that run a second time with authentication on (WARP_TEST_AUTH=1, see
 * test/support/stdio-fleet.ts): every session is sealed by its own credential (ADR 0022). Their
 * tests that prove nothing about credentials run in the open run only (openOnly).
 */
const E2E_ON_NATS = [
  'agent-workflow-nats',
  'claude-hooks-nats',
  'cli',
  'handle-takeover-nats',
  'multi-agent-nats',
  'path-reservations-nats',
  'push-after-outage-nats',
  'push-and-presence-nats',
  'wait-and-profiles-nats',
  'web-dashboard',
  'worker-nats',
].map((name) => `test/e2e/${name}.e2e.spec.ts`);
// Not in the auth run, and why:
// auth-fleet-nats: runs with authentication already.
// channel-limits: retention and channel caps the hub applies to every project alike.
// credentials-nats: its subject is a user and password in NATS_URL, which an auth server refuses.
// doctor: diagnoses open, plain and user/password servers; doctor with credentials is in auth-fleet-nats.
// hub-embedded: a session starts its own hub only without an agent's credentials (ADR 0022).
// hub-url-credentials-nats: servers of its own that want a user and password or a token in the URL; its NATS_CREDS case runs with authentication already.
// hub-large-answer: its server needs a max_payload of its own; the auth fleet's server runs init's configuration.
// hub-stop-signals: a hub and open server of its own; stopping by signal is the same with credentials.
// hub-upgrade: the hub it watches is one a session started, which happens only without credentials.
// local-server: `warp local-server` starts an open server of its own.
// project-quota-nats: its account-storage suite runs with authentication already; its project quota is the hub's, the same with or without.
// tls-nats: TLS servers of its own; credentials over TLS are the same code as over plain TCP.
// transport-exit: a session's exit when its stdio or NATS ends; its credential plays no part.
// work-policy-nats: the attempts an offer carries, which the hub holds to the same bounds for every caller.
// cli-no-nats: no server to authenticate to (an unreachable one, one without JetStream).
// The other e2e files run on the memory backend, where there is nothing to authenticate.

/**
 * Files that start no process and touch no global state: they share a worker and its loaded
 * modules (isolate: false). Each in a fresh worker, loading the modules took most of their time:
 * 37 s for these 75 files alone on 4 workers, 10 s sharing (measured on this machine).
 */
const IN_PROCESS = ['test/unit/**/*.spec.ts', 'test/property/**/*.spec.ts', 'test/contract/memory.contract.spec.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Four files at a time on 2 cores: most of a file's time is spent waiting on servers and child
    // processes (one at a time took 11 min; two at a time 11-14 min once workers, reservations and
    // deployment tests came; four at a time 8 min 20 s, measured on this machine).
    maxWorkers: 4,
    reporters: ['default'],
    globalSetup: ['test/support/global-setup.ts'],
    env: {
      WARP_RUNTIME_DIR: TEST_RUNTIME_DIR,
      // A hub a test's session starts outlives that test's nats-server by this long, not a minute:
      // test servers come and go on random ports, and a lingering hub could find a later test's.
      WARP_HUB_ORPHAN_MS: '3000',
    },
    sequence: { sequencer: LongestFirstSequencer },
    projects: [
      { extends: true, test: { name: 'unit', include: IN_PROCESS, isolate: false } },
      { extends: true, test: { name: 'default', include: ['test/**/*.spec.ts'], exclude: IN_PROCESS } },
      { extends: true, test: { name: 'e2e-auth', include: E2E_ON_NATS, env: { WARP_TEST_AUTH: '1' } } },
    ],
  },
});
