import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StdioAgent } from '../test/support/stdio-agent.js';

/** Two built Warp MCP servers over stdio, driven by the SDK's client as an agent's host drives them. */
export interface McpPair {
  /** Offers work and sends messages. */
  readonly lead: StdioAgent;
  /** Registered with the pair's capability: claims and completes. */
  readonly worker: StdioAgent;
  /** One item offered by the lead, claimed and completed by the worker: three tool calls. */
  cycle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a lead and a worker on `url` in `namespace`, with a runtime directory of their own (not
 * the user's) and no hub of their own: the bench runs the hub they ask.
 */
export async function openMcpPair(url: string, namespace: string, capability: string): Promise<McpPair> {
  const runtimeDir = mkdtempSync(join(tmpdir(), 'warp-bench-mcp-'));
  const env = {
    NATS_URL: url,
    WARP_NAMESPACE: namespace,
    WARP_RUNTIME_DIR: runtimeDir,
    WARP_HUB: 'external',
    LOG_LEVEL: 'ERROR',
  };
  const agents: StdioAgent[] = [];
  try {
    for (let i = 0; i < 2; i++) agents.push(await StdioAgent.start(env));
  } catch (error) {
    await Promise.all(agents.map((a) => a.close()));
    rmSync(runtimeDir, { recursive: true, force: true });
    throw error;
  }
  const [lead, worker] = agents as [StdioAgent, StdioAgent];
  await lead.call('set_handle', { handle: `${namespace}-lead` });
  await worker.call('set_handle', { handle: `${namespace}-worker` });
  await worker.call('register_agent', { agentType: 'worker', capabilities: [capability] });
  let n = 0;
  return {
    lead,
    worker,
    async cycle() {
      const taskId = `mcp-${n++}`;
      await lead.call('broadcast_work_offer', { taskId, description: 'bench', requiredCapability: capability });
      const claim = await worker.call<{ claimed: boolean; workItem?: { workItemId: string } }>('claim_work', {
        capability,
        timeout: 5000,
      });
      if (!claim.claimed || !claim.workItem) throw new Error(`bench: ${taskId} was offered but not claimed`);
      await worker.call('complete_work', { workItemId: claim.workItem.workItemId });
    },
    async close() {
      await Promise.all(agents.map((a) => a.close()));
      rmSync(runtimeDir, { recursive: true, force: true });
    },
  };
}
