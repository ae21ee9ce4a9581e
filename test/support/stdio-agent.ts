import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

export const BIN = join(process.cwd(), 'dist/src/adapters/cli/bin.js');

export interface Push {
  readonly content: string;
  readonly meta: Record<string, string>;
}

const ChannelNotification = z.object({
  method: z.literal('notifications/claude/channel'),
  params: z.object({ content: z.string(), meta: z.record(z.string(), z.string()) }),
});

/** A built Warp server over stdio driven by a real MCP client, as an agent would use it. */
export class StdioAgent {
  readonly pushes: Push[] = [];
  /** What the client could not take as protocol (a stdout line that is not JSON-RPC, say). */
  readonly protocolErrors: Error[] = [];
  private readonly pushWaiters: Array<() => void> = [];

  private readonly closed: Promise<void>;
  private log = '';

  private constructor(
    readonly client: Client,
    private readonly transport: StdioClientTransport,
  ) {
    // The SDK reports the server process closing its pipes as the client closing.
    this.closed = new Promise((resolve) => (client.onclose = resolve));
    client.onerror = (error) => this.protocolErrors.push(error);
    transport.stderr?.on('data', (chunk: Buffer) => void (this.log += chunk.toString()));
  }

  /** Everything the server wrote to stderr (its log) so far. */
  stderr(): string {
    return this.log;
  }

  /** Resolves once the server process has gone. */
  exited(): Promise<void> {
    return this.closed;
  }

  /** `via`: a script started with the server's bin as its argument, which starts the server itself (test/support/fake-claude.mjs). */
  static async start(
    env: Record<string, string>,
    options: { claudeChannel?: boolean; via?: string } = {},
  ): Promise<StdioAgent> {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: options.via ? [options.via, BIN] : [BIN],
      env: { ...(process.env as Record<string, string>), LOG_LEVEL: 'WARN', ...env },
      stderr: 'pipe',
    });
    const client = new Client(
      { name: 'warp-test-agent', version: '1.0.0' },
      { capabilities: options.claudeChannel ? { experimental: { 'claude/channel': {} } } : {} },
    );
    const agent = new StdioAgent(client, transport);
    client.setNotificationHandler(ChannelNotification, (n) => {
      agent.pushes.push(n.params);
      for (const wake of agent.pushWaiters.splice(0)) wake();
    });
    await client.connect(transport);
    return agent;
  }

  get pid(): number {
    const pid = this.transport.pid;
    if (pid === null) throw new Error('server process not running');
    return pid;
  }

  /** Calls a tool and returns its structured content; an isError result throws with its text. */
  async call<T = any>(name: string, args: Record<string, unknown> = {}): Promise<T> {
    const result = await this.client.callTool({ name, arguments: args }, undefined, { timeout: 60_000 });
    if (result.isError) {
      const text = (result.content as Array<{ text?: string }>).map((c) => c.text ?? '').join(' ');
      throw new Error(text);
    }
    return result.structuredContent as T;
  }

  /** Calls a tool expecting an isError result; returns its text. */
  async callError(name: string, args: Record<string, unknown> = {}): Promise<string> {
    const result = await this.client
      .callTool({ name, arguments: args })
      .catch((e: Error) => ({ isError: true, content: [{ text: e.message }] }));
    if (!result.isError) throw new Error(`${name} unexpectedly succeeded: ${JSON.stringify(result)}`);
    return (result.content as Array<{ text?: string }>).map((c) => c.text ?? '').join(' ');
  }

  /** Resolves when a push matching `predicate` has arrived. */
  async waitForPush(predicate: (p: Push) => boolean): Promise<Push> {
    for (;;) {
      const found = this.pushes.find(predicate);
      if (found) return found;
      await new Promise<void>((resolve) => this.pushWaiters.push(resolve));
    }
  }

  /**
   * Writes one message of any size straight to the server's stdin, past the client's checks
   * (to test the server's limits). Does not wait for the write: the server may stop reading.
   */
  sendRaw(message: JSONRPCMessage): void {
    void this.transport.send(message).catch(() => undefined);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    process.kill(this.pid, signal);
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => undefined);
  }
}
