import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createMcpServer } from '../../../src/adapters/mcp/create-server.js';
import { TOOL_GROUPS, type ToolProfile } from '../../../src/adapters/mcp/tools/profiles.js';
import { createFleet } from '../../support/memory-fleet.js';

const ALL_PROFILES = new Set<ToolProfile>(TOOL_GROUPS);

export interface LinkedAgent {
  readonly client: Client;
  call<T = any>(name: string, args?: Record<string, unknown>): Promise<T>;
  callError(name: string, args?: Record<string, unknown>): Promise<string>;
}

/** MCP clients linked in-process to servers that share one in-memory backend. */
export function linkedFleet() {
  const fleet = createFleet();
  const closers: Array<() => Promise<void>> = [];
  return {
    fleet,
    async agent(hostname: string): Promise<LinkedAgent> {
      const app = await fleet.agent({ hostname });
      const { server, close } = createMcpServer(app, { profiles: ALL_PROFILES, push: new Set(), version: 'test' });
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      const client = new Client({ name: 'test', version: '1' });
      await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
      closers.push(async () => {
        await client.close();
        await close();
      });
      const text = (result: Record<string, unknown>): string =>
        ((result['content'] ?? []) as Array<{ text?: string }>).map((c) => c.text ?? '').join(' ');
      return {
        client,
        async call(name, args = {}) {
          const result = await client.callTool({ name, arguments: args });
          if (result.isError) throw new Error(`${name} failed: ${text(result)}`);
          return result.structuredContent as never;
        },
        async callError(name, args = {}) {
          const result = await client.callTool({ name, arguments: args });
          if (!result.isError)
            throw new Error(`${name} unexpectedly succeeded: ${JSON.stringify(result.structuredContent)}`);
          return text(result);
        },
      };
    },
    async close(): Promise<void> {
      for (const close of closers) await close();
      await fleet.close();
    },
  };
}
