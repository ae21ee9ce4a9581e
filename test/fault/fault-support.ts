import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { StdioAgent } from '../support/stdio-agent.js';

/** How Warp words a call that failed because NATS could not be reached (tool-result.ts). */
export const UNAVAILABLE = /^Warp cannot reach its backend: /;

/** The tool result as the client got it (isError included); `timeoutMs` is the MCP client's own request timeout. */
export async function rawCall(
  agent: StdioAgent,
  name: string,
  args: Record<string, unknown>,
  timeoutMs = 60_000,
): Promise<{ isError: boolean; text: string; structured: any }> {
  const result = (await agent.client.callTool({ name, arguments: args }, undefined, {
    timeout: timeoutMs,
  })) as CallToolResult;
  const text = result.content.map((c) => ('text' in c ? c.text : '')).join(' ');
  return { isError: result.isError === true, text, structured: result.structuredContent };
}

/**
 * Traffic during a fault: a call either succeeds (acknowledged, so it must survive) or
 * says NATS could not be reached (not acknowledged). Any other answer fails the test.
 */
export async function acknowledged<T = any>(
  agent: StdioAgent,
  name: string,
  args: Record<string, unknown>,
): Promise<T | undefined> {
  const r = await rawCall(agent, name, args);
  if (!r.isError) return r.structured as T;
  if (UNAVAILABLE.test(r.text)) return undefined;
  throw new Error(`${name} failed with something other than "NATS unavailable": ${r.text}`);
}

/** Agents started by one suite, closed by it. */
export function agentPool() {
  const agents: StdioAgent[] = [];
  return {
    async start(env: Record<string, string>, options: { claudeChannel?: boolean } = {}): Promise<StdioAgent> {
      const agent = await StdioAgent.start(env, options);
      agents.push(agent);
      return agent;
    },
    async closeAll(): Promise<void> {
      await Promise.all(agents.map((a) => a.close()));
    },
  };
}

/** Every message of a channel, oldest first, as one agent reads it. */
export async function readChannel(agent: StdioAgent, channel: string): Promise<Array<{ id: string; body: string }>> {
  const { messages } = await agent.call('read_messages', { channel, limit: 1000 });
  return messages;
}

/** Every unread direct message of an agent (read_direct_messages returns at most 100 per call). */
export async function drainInbox(agent: StdioAgent): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const { messages, remaining } = await agent.call('read_direct_messages', { limit: 100 });
    bodies.push(...messages.map((m: { body: string }) => m.body));
    if (messages.length === 0 || remaining === 0) return bodies;
  }
}
