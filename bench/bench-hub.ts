/**
 * A hub with its deferred answers (ADR 0026) on or off, for weighing them: composed as `warp hub`
 * composes one (src/composition/hub.ts) without credentials, with `deferrals` given only for `on`.
 * Started by bench/deferral-rows.ts as `node bench-hub.js on|off` with NATS_URL in its
 * environment; prints "ready" once it serves, and stops on SIGTERM.
 */
import { hostname } from 'node:os';
import { loadEnv } from '../src/adapters/config/index.js';
import { hubSettingsOf } from '../src/adapters/config/setting-owners.js';
import { openHubNamespace } from '../src/adapters/hub/hub-namespace.js';
import { startHubService } from '../src/adapters/hub/hub-service.js';
import { withinBudget } from '../src/adapters/nats/transient.js';
import { version } from '../src/adapters/cli/version.js';
import { CryptoIds } from '../src/adapters/system/crypto-ids.js';
import { OsProcessProbe } from '../src/adapters/system/os-process-probe.js';
import { SystemClock } from '../src/adapters/system/system-clock.js';
import { openNatsBackend } from '../src/composition/nats-backend.js';
import { processLogging } from '../src/composition/process-logging.js';
import { settingsOf } from '../src/composition/runtime.js';

const deferring = process.argv[2] === 'on';
const env = loadEnv(process.env, process.cwd());
const { connection, logger, quarantine } = processLogging(env);
const backend = await openNatsBackend(env, connection, logger, true, quarantine, { shared: true });
const shared = {
  backend,
  clock: new SystemClock(),
  ids: new CryptoIds(),
  processes: new OsProcessProbe(),
  settings: settingsOf(env),
  hostname: hostname(),
  onError: (error: unknown) => logger.warn('hub task failed', { error: String(error) }),
};
const hub = await startHubService({
  ...shared,
  nc: backend.connection.nc,
  notify: backend.connection.nc,
  version,
  openModels: (namespace) => openHubNamespace(shared, namespace),
  budget: (request) => withinBudget(backend.connection.retry, request),
  metadata: hubSettingsOf(env),
  ...(deferring ? { deferrals: backend.events } : {}),
});
process.stdout.write('ready\n');
process.once('SIGTERM', () => void hub.stop().then(() => backend.close().then(() => process.exit(0))));
