import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { credsAuthenticator, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, it } from 'vitest';
import { AuthDirectory } from '../../src/adapters/auth/auth-directory.js';
import { addAgent, initAuthority, type AccountQuota } from '../../src/adapters/auth/auth-provisioning.js';
import { LOCAL_CONFIG } from '../../src/adapters/auth/server-config.js';
import { loadEnv, loadProjectConfig } from '../../src/adapters/config/index.js';
import { HubProcess } from './hub-process.js';
import { freePorts, startNatsServer, type NatsServerHandle } from './nats-server.js';
import { StdioAgent } from './stdio-agent.js';

/**
 * WARP_TEST_AUTH=1 (the `e2e-auth` test project) makes every fleet an auth fleet, so the NATS
 * end-to-end suite runs a second time with each session sealed by its own credential (ADR 0022).
 */
export const AUTH_EVERYWHERE = process.env['WARP_TEST_AUTH'] === '1';

/**
 * A test the auth run leaves out, run by the open run only: what it proves does not depend on who
 * the session is or what its credential lets it hear (command lines, output, signals, pages, and
 * rules the hub applies to every caller alike); with credentials it would only prove it again.
 */
export const openOnly = it.skipIf(AUTH_EVERYWHERE);

export interface FleetOptions {
  readonly claudeChannel?: boolean;
  /** Environment of the fleet's `warp hub` besides NATS_URL and the base environment; false: start no hub. */
  readonly hub?: Record<string, string> | false;
  /** Authentication on (ADR 0022): the server runs `warp auth init`'s configuration, the hub hub.creds. */
  readonly auth?: boolean;
  /** With `auth`: the account's JetStream limits (`warp auth init --max-*`), else init's defaults. */
  readonly quota?: AccountQuota;
  /** A WebSocket listener (plain, on loopback) besides the client port: its URL is `wsUrl()`. */
  readonly websocket?: boolean;
}

export interface StartOptions {
  /**
   * The agent's handle. With authentication its credential names it; without, the session sets it
   * (set_handle) right after starting. Either way the session starts with this handle.
   */
  readonly handle?: string;
}

/**
 * Built Warp servers over stdio, each its own agent, on one real nats-server and a `warp hub`
 * that the calling suite starts before its tests and stops, with every agent, after them.
 */
export function stdioFleetOnNats(baseEnv: Record<string, string> = {}, options: FleetOptions = {}) {
  const authOn = options.auth === true || AUTH_EVERYWHERE;
  let server: NatsServerHandle | undefined;
  let hub: HubProcess | undefined;
  const agents: StdioAgent[] = [];
  let auth: { root: string; dir: AuthDirectory } | undefined;
  let wsPort: number | undefined;
  // One credential per agent name: the authority refuses to issue a second while the first is valid.
  const issued = new Map<string, Promise<string>>();
  let unnamed = 0;
  beforeAll(async () => {
    if (authOn) {
      const root = mkdtempSync(join(tmpdir(), 'warp-fleet-auth-'));
      auth = { root, dir: new AuthDirectory(join(root, 'auth')) };
      await initAuthority(auth.dir, options.quota);
    }
    let extra: string | undefined;
    if (options.websocket) {
      [wsPort] = (await freePorts(1)) as [number];
      extra = `websocket {\n  listen: "127.0.0.1:${wsPort}"\n  no_tls: true\n}\n`;
    }
    // With authentication the server runs init's configuration, which includes the operator's local.conf.
    if (auth && extra) writeFileSync(join(dirname(auth.dir.serverConfig), LOCAL_CONFIG), extra);
    server = await startNatsServer(
      auth ? { configFile: auth.dir.serverConfig } : extra !== undefined ? { config: extra } : {},
    );
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
  const running = (): NatsServerHandle => {
    if (!server) throw new Error('the fleet starts its nats-server in beforeAll');
    return server;
  };
  /** The namespace a session with `env` joins: the one its credential must name. */
  const namespaceOf = async (env: Record<string, string>): Promise<string> => {
    // Loaded when needed: the composition root is most of what this file would load, and every
    // file of the open run would load it for nothing (a quarter of a second of CPU a file, measured).
    const { projectNamespace } = await import('../../src/composition/runtime.js');
    const merged = { ...process.env, ...baseEnv, ...env };
    const warpEnv = loadEnv(merged);
    return projectNamespace(warpEnv, loadProjectConfig(warpEnv.projectPath)).namespace;
  };
  return {
    /** Whether this fleet's server requires credentials (its own option, or WARP_TEST_AUTH=1). */
    auth: authOn,
    /** The authority directory of a fleet with `auth` (its hub.creds, sys.creds, server configuration). */
    authDir(): AuthDirectory {
      if (!auth) throw new Error('the fleet has no authentication (options.auth)');
      return auth.dir;
    },
    /** Issues an agent credential (`warp auth add-agent`) once per project and name; returns the .creds path. */
    creds(project: string, handle: string, user = 'tester'): Promise<string> {
      const key = `${project}/${handle}`;
      let file = issued.get(key);
      if (!file) {
        file = addAgent(this.authDir(), { namespace: project, handle, user });
        issued.set(key, file);
      }
      return file;
    },
    /**
     * The environment a Warp process (a session, a CLI command, `warp web`) needs to reach this
     * fleet as `handle`: NATS_URL, and with authentication that agent's NATS_CREDS.
     */
    async clientEnv(handle: string, env: Record<string, string> = {}): Promise<Record<string, string>> {
      const url = { NATS_URL: running().url };
      if (!authOn) return url;
      return { ...url, NATS_CREDS: await this.creds(await namespaceOf(env), handle) };
    },
    /** A NATS connection with full access (the hub's credential when authentication is on), to look behind Warp. */
    async connectAdmin(): Promise<NatsConnection> {
      const creds = auth ? { authenticator: credsAuthenticator(new Uint8Array(readFileSync(auth.dir.hubCreds))) } : {};
      return connect({ servers: running().url, ...creds });
    },
    /** The fleet's nats-server, to stop or restart it under the sessions. */
    server(): NatsServerHandle {
      return running();
    },
    /** The fleet's nats-server URL. */
    url(): string {
      return running().url;
    },
    /** The URL of the fleet's WebSocket listener (`websocket: true`). */
    wsUrl(): string {
      running();
      if (wsPort === undefined) throw new Error('the fleet has no WebSocket listener (options.websocket)');
      return `ws://127.0.0.1:${wsPort}`;
    },
    /** The fleet's hub (undefined with `hub: false`). */
    hub(): HubProcess | undefined {
      return hub;
    },
    /** The client port of the fleet's nats-server. */
    async port(): Promise<number> {
      return running().port;
    },
    /** The monitoring (HTTP) port of the fleet's nats-server, e.g. to see who subscribes to what. */
    async monitorPort(): Promise<number> {
      return running().monitorPort;
    },
    /**
     * Starts a session. With authentication and no NATS_CREDS in `env`, it gets a credential of its
     * own: for `start.handle`, or a fresh name.
     */
    async start(env: Record<string, string> = {}, start: StartOptions = {}): Promise<StdioAgent> {
      // Sealed sessions have no hub but this one: say so rather than let them time out asking.
      if (hub && !hub.running()) throw new Error(`the fleet's warp hub is gone; its log:\n${hub.stderr()}`);
      const own = authOn && env['NATS_CREDS'] === undefined;
      const credential = own ? await this.clientEnv(start.handle ?? `agent-${++unnamed}`, env) : {};
      const agent = await StdioAgent.start({ NATS_URL: running().url, ...baseEnv, ...env, ...credential }, options);
      agents.push(agent);
      if (start.handle !== undefined && !own) await agent.call('set_handle', { handle: start.handle });
      return agent;
    },
  };
}
