import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubProcess, processRunning } from '../support/hub-process.js';
import { startNatsServer, type NatsServerHandle } from '../support/nats-server.js';
import { BIN, StdioAgent } from '../support/stdio-agent.js';
import { stdioFleetOnNats } from '../support/stdio-fleet.js';

const run = promisify(execFile);

const SERVERS = [
  {
    kind: 'a user and password',
    // A one-letter user: masking it turned every "u" of the logs into "***" ("h***b serving").
    config: 'authorization { user: "u", password: "Pa55-w0rd" }',
    credentials: 'u:Pa55-w0rd',
    secret: 'Pa55-w0rd',
  },
  {
    kind: 'a token',
    config: 'authorization { token: "t0ken-S3cret" }',
    credentials: 't0ken-S3cret',
    secret: 't0ken-S3cret',
  },
];

/**
 * Hubs start by themselves wherever the URL carries the credentials (SPEC §3, ADR 0018): on a
 * server that wants a user and password, or a token, in NATS_URL, the first MCP session or CLI
 * command that finds no hub starts one with its own environment, credentials included, which
 * never show on the hub's command line or in any log.
 */
describe.each(SERVERS)('a NATS server that wants $kind in the URL', ({ config, credentials, secret }) => {
  let nats: NatsServerHandle;
  const runtimeDir = mkdtempSync(join(tmpdir(), 'warp-url-credentials-'));
  const agents: StdioAgent[] = [];
  let hubPid: number | undefined;
  const env = (): Record<string, string> => ({
    NATS_URL: `nats://${credentials}@127.0.0.1:${nats.port}`,
    WARP_NAMESPACE: 'url-credentials',
    // The launch lock and the hub's log stay in this test's own directory.
    WARP_RUNTIME_DIR: runtimeDir,
    LOG_LEVEL: 'INFO',
  });
  const start = async (): Promise<StdioAgent> => {
    const agent = await StdioAgent.start(env());
    agents.push(agent);
    return agent;
  };
  const warp = async (...args: string[]): Promise<string> =>
    (await run(process.execPath, [BIN, ...args], { env: { ...process.env, ...env() }, timeout: 30_000 })).stdout;

  beforeAll(async () => {
    nats = await startNatsServer({ config });
  });
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.close()));
    // The hub is detached from every test process: if it outlived the test, end it here.
    if (hubPid !== undefined && processRunning(hubPid)) process.kill(hubPid, 'SIGKILL');
    await nats.dispose();
    rmSync(runtimeDir, { recursive: true, force: true });
  });

  it('MCP sessions and CLI commands work with no hub started by hand', { timeout: 90_000 }, async () => {
    const boss = await start();
    // The first call that needs a hub starts one and is answered by it.
    await boss.call('register_agent', { agentType: 'boss' });
    const { workItem } = await boss.call('broadcast_work_offer', {
      taskId: 'build-1',
      description: 'build it',
      requiredCapability: 'build',
    });

    const { hubs } = JSON.parse(await warp('status', '--json')) as { hubs: Array<{ pid: number }> };
    expect(hubs).toHaveLength(1);
    hubPid = hubs[0]!.pid;
    const listed = JSON.parse(await warp('work', 'list', '--json')) as { items: Array<{ workItemId: string }> };
    expect(listed.items.map((i) => i.workItemId)).toContain(workItem.workItemId);

    const worker = await start();
    const { agent } = await worker.call('register_agent', { agentType: 'worker', capabilities: ['build'] });
    const claim = await worker.call('claim_work', { capability: 'build', timeout: 5_000 });
    expect(claim.workItem).toMatchObject({ workItemId: workItem.workItemId, holder: agent.guid });
    await worker.call('complete_work', { workItemId: workItem.workItemId });

    // The hub got the credentials through its environment: `ps` shows its command line, not them.
    expect(readFileSync(`/proc/${hubPid}/cmdline`, 'utf8')).not.toContain(secret);
    const hubLog = readFileSync(join(runtimeDir, 'hub.log'), 'utf8');
    expect(hubLog).toMatch(/ INFO hub serving /);
    for (const log of [hubLog, boss.stderr(), worker.stderr()]) expect(log).not.toContain(secret);
  });
});

/**
 * With an agent's credentials (NATS_CREDS) no session starts a hub (ADR 0022): the call says
 * exactly how to run one, with the hub's credential from the directory that issued the agent's,
 * and running just that serves the agent.
 */
describe('an agent with NATS_CREDS and no hub', () => {
  const fleet = stdioFleetOnNats({ WARP_NAMESPACE: 'no-hub' }, { auth: true, hub: false });
  let hub: HubProcess | undefined;
  afterAll(async () => {
    await hub?.stop();
  });

  it('is told the command that starts the hub, and that command serves it', { timeout: 60_000 }, async () => {
    const agent = await fleet.start({}, { handle: 'alice' });
    const told = await agent.callError('register_agent', { agentType: 'alice' });
    const hubCreds = fleet.authDir().hubCreds;
    expect(told).toContain(`\`NATS_URL=${fleet.url()} NATS_CREDS=${hubCreds} warp hub\``);
    const [, url, creds] = /`NATS_URL=(\S+) NATS_CREDS=(\S+) warp hub`/.exec(told)!;
    hub = await HubProcess.start({ NATS_URL: url!, NATS_CREDS: creds! });
    const { agent: registered } = await agent.call('register_agent', { agentType: 'alice' });
    expect(registered.handle).toBe('alice');
  });
});
