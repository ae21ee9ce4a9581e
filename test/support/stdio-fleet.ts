import { afterAll, beforeAll } from 'vitest';
import { HubProcess } from './hub-process.js';
import { startNatsServer, type NatsServerHandle } from './nats-server.js';
import { StdioAgent } from './stdio-agent.js';

export interface FleetOptions {
  readonly claudeChannel?: boolean;
  /** Environment of the fleet's `warp hub` besides NATS_URL and the base environment; false: start no hub. */
  readonly hub?: Record<string, string> | false;
}

/**
 * Built Warp servers over stdio, each its own agent, on one real nats-server and a `warp hub`
 * that the calling suite starts before its tests and stops, with every agent, after them.
 */
export function stdioFleetOnNats(baseEnv: Record<string, string> = {}, options: FleetOptions = {}) {
  let server: NatsServerHandle | undefined;
  let hub: HubProcess | undefined;
  const agents: StdioAgent[] = [];
  beforeAll(async () => {
    server = await startNatsServer();
    if (options.hub !== false) hub = await HubProcess.start({ NATS_URL: server.url, ...baseEnv, ...options.hub });
  });
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.close()));
    await hub?.stop();
    await server?.dispose();
  });
  return {
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
