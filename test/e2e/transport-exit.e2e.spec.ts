import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN } from '../support/stdio-agent.js';
import { AUTH_EVERYWHERE, describeWithoutFleet, stdioFleetOnNats } from '../support/stdio-fleet.js';

/** Generous: the exits below take well under a second; this only stops a hang from passing. */
const EXIT_DEADLINE_MS = 20_000;

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} not within ${EXIT_DEADLINE_MS} ms`)), EXIT_DEADLINE_MS).unref(),
    ),
  ]);
}

describe('the server goes offline and exits when its MCP transport ends', () => {
  // Staleness would take 90 s: an agent shown offline sooner said goodbye.
  const fleet = stdioFleetOnNats({ WARP_NAMESPACE: 'transport-exit', LOG_LEVEL: 'INFO' });

  it('after a 12 MB request line', async () => {
    const observer = await fleet.start();
    const victim = await fleet.start();
    const { agent } = await victim.call('register_agent', { agentType: 'flooded' });
    expect((await observer.call('get_agent_info', { guid: agent.guid })).agent.status).toBe('online');

    victim.sendRaw({ jsonrpc: '2.0', method: 'notifications/flood', params: { pad: 'x'.repeat(12 * 1024 * 1024) } });
    await within(victim.exited(), 'exit after a 12 MB line');

    expect(victim.stderr()).toMatch(/shutting down reason="a request line is over 10485760 bytes"/);
    expect((await observer.call('get_agent_info', { guid: agent.guid })).agent.status).toBe('offline');
  });

  it('when its stdin closes, before the client would resort to SIGTERM', async () => {
    const observer = await fleet.start();
    const leaving = await fleet.start();
    const { agent } = await leaving.call('register_agent', { agentType: 'leaving' });

    // Ends stdin, and sends SIGTERM only if the server is still there 2 s later.
    await within(leaving.close(), 'exit after stdin closed');

    expect(leaving.stderr()).toMatch(/shutting down reason="stdin closed"/);
    expect(leaving.stderr()).not.toMatch(/reason=SIGTERM/);
    expect((await observer.call('get_agent_info', { guid: agent.guid })).agent.status).toBe('offline');
  });
});

describeWithoutFleet('a broken stdout', () => {
  it('makes the server exit instead of writing into a closed pipe forever', async () => {
    const child = spawn(process.execPath, [BIN], {
      env: { ...process.env, WARP_BACKEND: 'memory', WARP_NAMESPACE: 'epipe', LOG_LEVEL: 'INFO' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    const ready = new Promise<void>((resolve) =>
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('MCP server ready')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await within(ready, 'startup');

    child.stdout.destroy(); // nobody reads the answers any more
    const initialize = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'gone', version: '1' } },
    };
    child.stdin.write(`${JSON.stringify(initialize)}\n`);

    const code = await within(exited, 'exit after EPIPE');
    expect(stderr).toMatch(/shutting down reason="stdout failed \(write EPIPE\)"/);
    expect(code).toBe(1);
  });
});

describe('shutdown with NATS gone', () => {
  // Open, the session's embedded hub goes down with it too; sealed sessions need the fleet's hub.
  const fleet = stdioFleetOnNats({ WARP_NAMESPACE: 'no-goodbye', LOG_LEVEL: 'INFO' }, { hub: AUTH_EVERYWHERE && {} });

  it('does not wait for NATS to come back before exiting', async () => {
    const agent = await fleet.start();
    await agent.call('register_agent', { agentType: 'stranded' });
    await fleet.server().stop();
    agent.kill('SIGTERM');
    await within(agent.exited(), 'exit with NATS down');
    // Saying offline would retry for 12 s; the bound cuts it short.
    expect(agent.stderr()).toMatch(/shutdown took too long; exiting without a clean goodbye afterMs=3000/);
  });
});
