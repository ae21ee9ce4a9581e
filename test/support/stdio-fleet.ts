import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { AuthDirectory } from '../../src/adapters/auth/auth-directory.js';
import { addAgent, initAuthority, type AccountQuota } from '../../src/adapters/auth/auth-provisioning.js';
import { HubProcess } from './hub-process.js';
import { startNatsServer, type NatsServerHandle } from './nats-server.js';
import { StdioAgent } from './stdio-agent.js';

export interface FleetOptions {
  readonly claudeChannel?: boolean;
  /** Environment of the fleet's `warp hub` besides NATS_URL and the base environment; false: start no hub. */
  readonly hub?: Record<string, string> | false;
  /** Authentication on (ADR 0022): the server runs `warp auth init`'s configuration, the hub hub.creds. */
  readonly auth?: boolean;
  /** With `auth`: the account's JetStream limits (`warp auth init --max-*`), else init's defaults. */
  readonly quota?: AccountQuota;
}

/**
 * Built Warp servers over stdio, each its own agent, on one real nats-server and a `warp hub`
 * that the calling suite starts before its tests and stops, with every agent, after them.
 */
export function stdioFleetOnNats(baseEnv: Record<string, string> = {}, options: FleetOptions = {}) {
  let server: NatsServerHandle | undefined;
  let hub: HubProcess | undefined;
  const agents: StdioAgent[] = [];
  let auth: { root: string; dir: AuthDirectory } | undefined;
  beforeAll(async () => {
    if (options.auth) {
      const root = mkdtempSync(join(tmpdir(), 'warp-fleet-auth-'));
      auth = { root, dir: new AuthDirectory(join(root, 'auth')) };
      await initAuthority(auth.dir, options.quota);
    }
    server = await startNatsServer(auth ? { configFile: auth.dir.serverConfig } : {});
    const hubCreds: Record<string, string> = auth ? { NATS_CREDS: auth.dir.hubCreds } : {};
    if (options.hub !== false)
      hub = await HubProcess.start({ NATS_URL: server.url, ...baseEnv, ...hubCreds, ...options.hub });
  });
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.close()));
    await hub?.stop();
    await server?.dispose();
    if (auth) rmSync(auth.root, { recursive: true, force: true });
  });
  return {
    /** The authority directory of a fleet with `auth` (its hub.creds, sys.creds, server configuration). */
    authDir(): AuthDirectory {
      if (!auth) throw new Error('the fleet has no authentication (options.auth)');
      return auth.dir;
    },
    /** Issues an agent credential (`warp auth add-agent`) and returns the .creds path. */
    async creds(project: string, handle: string, user = 'tester'): Promise<string> {
      return addAgent(this.authDir(), { namespace: project, handle, user });
    },
    /** The fleet's nats-server URL. */
    url(): string {
      if (!server) throw new Error('the fleet starts its nats-server in beforeAll');
      return server.url;
    },
    /** The fleet's hub (undefined with `hub: false`). */
    hub(): HubProcess | undefined {
      return hub;
    },
    /** The client port of the fleet's nats-server. */
    async port(): Promise<number> {
      if (!server) throw new Error('the fleet starts its nats-server in beforeAll');
      return server.port;
    },
    /** The monitoring (HTTP) port of the fleet's nats-server, e.g. to see who subscribes to what. */
    async monitorPort(): Promise<number> {
      if (!server) throw new Error('the fleet starts its nats-server in beforeAll');
      return server.monitorPort;
    },
    async start(env: Record<string, string> = {}): Promise<StdioAgent> {
      if (!server) throw new Error('the fleet starts its nats-server in beforeAll');
      const agent = await StdioAgent.start({ NATS_URL: server.url, ...baseEnv, ...env }, options);
      agents.push(agent);
      return agent;
    },
  };
}
