import { afterAll, beforeAll } from 'vitest';
import { startNatsServer, type NatsServerHandle } from './nats-server.js';
import { StdioAgent } from './stdio-agent.js';

/**
 * Built Warp servers over stdio, each its own agent, on one real nats-server that the
 * calling suite starts before its tests and stops, with every agent, after them.
 */
export function stdioFleetOnNats(baseEnv: Record<string, string> = {}, options: { claudeChannel?: boolean } = {}) {
  let server: NatsServerHandle | undefined;
  const agents: StdioAgent[] = [];
  beforeAll(async () => {
    server = await startNatsServer();
  });
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.close()));
    await server?.dispose();
  });
  return {
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
