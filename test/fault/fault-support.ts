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

/**
 * A set-up call asked again (up to 3 times) when it went unanswered: creating replicated streams
 * waits for their leaders, which on a busy machine can outlast a call's 5 s. Idempotent calls only.
 */
export async function askAgainUnanswered<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= 3 || !/did not answer within|cannot reach its backend/.test(String(error))) throw error;
    }
  }
}

/** What traffic during a fault got acknowledged, and so must survive it. */
export interface AcknowledgedTraffic {
  readonly sent: string[];
  readonly dms: string[];
  readonly offered: Set<string>;
  readonly completed: Set<string>;
}

/**
 * Traffic during a fault, one round at a time (keyed `r<round>`): `sender` posts to `channel`,
 * sends `worker` a DM and offers work of `capability`, and `worker` claims and completes what it
 * can. What was acknowledged is recorded in `seen`.
 */
export function faultTraffic(
  sender: StdioAgent,
  worker: StdioAgent,
  to: { readonly guid: string; readonly channel: string; readonly capability: string },
): {
  readonly seen: AcknowledgedTraffic;
  round(round: number): Promise<void>;
  during(fault: () => Promise<unknown>, from: number): Promise<number>;
  sure(round: number): Promise<void>;
} {
  const seen: AcknowledgedTraffic = { sent: [], dms: [], offered: new Set(), completed: new Set() };
  const round = async (n: number): Promise<void> => {
    const key = `r${n}`;
    if (await acknowledged(sender, 'send_message', { channel: to.channel, message: key })) seen.sent.push(key);
    if (await acknowledged(sender, 'send_direct_message', { recipientGuid: to.guid, message: key })) seen.dms.push(key);
    const offer = await acknowledged(sender, 'broadcast_work_offer', {
      taskId: key,
      description: `do ${key}`,
      requiredCapability: to.capability,
    });
    if (offer) seen.offered.add(offer.workItem.workItemId);
    const claim = await acknowledged(worker, 'claim_work', { capability: to.capability, timeout: 100 });
    if (claim?.claimed) {
      const done = await acknowledged(worker, 'complete_work', { workItemId: claim.workItem.workItemId });
      if (done) seen.completed.add(done.workItem.workItemId);
    }
  };
  /** Rounds from `from` until `fault` has happened, and 4 more while leaders are elected; the next round's number. */
  const during = async (fault: () => Promise<unknown>, from: number): Promise<number> => {
    let n = from;
    let done = false;
    const rounds = (async () => {
      while (!done) await round(n++);
      for (const stop = n + 4; n < stop; n++) await round(n);
    })();
    await fault();
    done = true;
    await rounds;
    return n;
  };
  /** A round after the fault, without the claim: every call must succeed. */
  const sure = async (n: number): Promise<void> => {
    const key = `r${n}`;
    seen.sent.push((await sender.call('send_message', { channel: to.channel, message: key })).message.body);
    await sender.call('send_direct_message', { recipientGuid: to.guid, message: key });
    seen.dms.push(key);
    const offer = { taskId: key, description: `do ${key}`, requiredCapability: to.capability };
    seen.offered.add((await sender.call('broadcast_work_offer', offer)).workItem.workItemId);
  };
  return { seen, round, during, sure };
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
