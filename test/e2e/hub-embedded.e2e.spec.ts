import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processRunning } from '../support/hub-process.js';
import { startNatsServer, type NatsServerHandle } from '../support/nats-server.js';
import { BIN, StdioAgent } from '../support/stdio-agent.js';

const run = promisify(execFile);

/**
 * The embedded default on an open NATS server: no hub runs until a session needs one, that
 * session starts it in the background, the next session uses the same hub, and the hub goes
 * away by itself once its NATS server is gone (after WARP_HUB_ORPHAN_MS, 2 s here).
 */
describe('the hub a session starts on an open NATS server', () => {
  let nats: NatsServerHandle;
  const runtimeDir = mkdtempSync(join(tmpdir(), 'warp-hub-embedded-'));
  const agents: StdioAgent[] = [];
  let hubPid: number | undefined;
  const env = (): Record<string, string> => ({
    NATS_URL: nats.url,
    WARP_NAMESPACE: 'embedded',
    // Launch locks and the hub's log stay in this test's own directory.
    WARP_RUNTIME_DIR: runtimeDir,
    WARP_HUB_ORPHAN_MS: '2000',
    // The hub a session starts inherits its environment: this level puts its stop in hub.log.
    LOG_LEVEL: 'INFO',
  });
  const start = async (): Promise<StdioAgent> => {
    const agent = await StdioAgent.start(env());
    agents.push(agent);
    return agent;
  };
  const status = async (): Promise<{ hubs: Array<{ id: string; pid: number }> }> =>
    JSON.parse((await run(process.execPath, [BIN, 'status', '--json'], { env: { ...process.env, ...env() } })).stdout);

  beforeAll(async () => {
    nats = await startNatsServer();
  });
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.close()));
    // The hub is detached from every test process: if it outlived the test, end it here.
    if (hubPid !== undefined && processRunning(hubPid)) process.kill(hubPid, 'SIGKILL');
    await nats.dispose();
    rmSync(runtimeDir, { recursive: true, force: true });
  });

  it(
    'is started by the first session, reused by the next, and exits once NATS is gone',
    { timeout: 90_000 },
    async () => {
      const first = await start();
      // No hub answers yet: the first call that needs one starts it and is answered by it.
      const { agent } = await first.call('register_agent', { agentType: 'first', capabilities: ['ops'] });
      const { hubs } = await status();
      expect(hubs).toHaveLength(1);
      const [hub] = hubs;
      hubPid = hub!.pid;
      expect(processRunning(hubPid)).toBe(true);

      const second = await start();
      await second.call('register_agent', { agentType: 'second' });
      const { workItem } = await second.call('broadcast_work_offer', {
        taskId: 'shared',
        description: 'x',
        requiredCapability: 'ops',
      });
      const claim = await first.call('claim_work', { capability: 'ops', timeout: 1_000 });
      expect(claim.workItem).toMatchObject({ workItemId: workItem.workItemId, holder: agent.guid });
      expect((await status()).hubs).toEqual([expect.objectContaining({ id: hub!.id, pid: hubPid })]);

      await nats.stop();
      // Nothing tells this test when another process's child exits: it looks until the hub has.
      while (processRunning(hubPid)) await sleep(100);
      expect(readFileSync(join(runtimeDir, 'hub.log'), 'utf8')).toMatch(/hub stopping.*gone for/);
    },
  );
});
