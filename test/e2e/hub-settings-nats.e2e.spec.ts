import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { NatsConnection } from '@nats-io/nats-core';
import { Svcm, type Service } from '@nats-io/services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubSettingsOf } from '../../src/adapters/config/setting-owners.js';
import { loadEnv } from '../../src/adapters/config/index.js';
import { HUB_QUEUE, HUB_SERVICE } from '../../src/adapters/hub/hub-protocol.js';
import { BIN, type StdioAgent } from '../support/stdio-agent.js';
import { stdioFleetOnNats } from '../support/stdio-fleet.js';

const run = promisify(execFile);
const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

/** Resolves once `read()` matches `pattern`; the line is written by another process when its check is done. */
async function logged(read: () => string, pattern: RegExp, ms = 20_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const match = pattern.exec(read());
    if (match) return match[0];
    if (Date.now() > deadline) throw new Error(`no ${pattern} within ${ms} ms in:\n${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The settings a hub applies for every session (ADR 0035) are told by the hub (its services
 * metadata) and compared: a session whose environment sets one otherwise says so at start, on
 * stderr, and `warp doctor` lists every difference. A stand-in hub tells its settings beside the
 * fleet's hub, which answers the requests (and tells the same settings once it tells any).
 */
describe("a session's settings that the hub applies otherwise", () => {
  // The hubs' values: those of the tests' environment, but for the channels a project may have.
  const fleet = stdioFleetOnNats({ WARP_NAMESPACE: 'hub-settings' }, { hub: { WARP_MAX_CHANNELS: '10' } });
  let admin: NatsConnection;
  let standIn: Service;
  const told = hubSettingsOf(loadEnv({ ...process.env, WARP_MAX_CHANNELS: '10' }, '/'));
  beforeAll(async () => {
    admin = await fleet.connectAdmin();
    standIn = await new Svcm(admin as never).add({
      name: HUB_SERVICE,
      version,
      queue: HUB_QUEUE,
      metadata: { hostname: 'hub-host', pid: '4242', ...told },
    });
  });
  afterAll(async () => {
    await standIn.stop();
    await admin.close();
  });

  it('are named at session start, one WARN line each, with both values and where to set them', async () => {
    // Set here: the staleness (not the hub's), and the channel limit (the hub's own value).
    const agent: StdioAgent = await fleet.start({
      WARP_STALE_AFTER_MS: '5000',
      WARP_HEARTBEAT_MS: '1000',
      WARP_MAX_CHANNELS: '10',
      LOG_LEVEL: 'WARN',
    });
    await agent.call('list_channels');
    const line = await logged(() => agent.stderr(), /^.* WARN a setting of this session is not the hub's.*$/m);
    expect(line).toMatch(
      / setting=WARP_STALE_AFTER_MS session=5000 hub=90000 setIn="the environment of warp hub \(.*pid 4242 on hub-host/,
    );
    expect(agent.stderr()).not.toMatch(/setting=WARP_MAX_CHANNELS/);
    expect(agent.stderr().match(/setting=WARP_STALE_AFTER_MS/g)).toHaveLength(1);
  });

  it('are listed by warp doctor, set here or left at the default', async () => {
    const { stdout } = await run(process.execPath, [BIN, 'doctor', '--json'], {
      env: {
        ...process.env,
        ...(await fleet.clientEnv('doctor')),
        WARP_NAMESPACE: 'hub-settings',
        WARP_STALE_AFTER_MS: '5000',
        WARP_HEARTBEAT_MS: '1000',
      },
      timeout: 30_000,
    });
    const checks = (
      JSON.parse(stdout) as { checks: Array<{ name: string; status: string; detail: string; fix?: string }> }
    ).checks;
    expect(checks.find((c) => c.name === 'settings')).toMatchObject({
      status: 'note',
      detail: expect.stringMatching(
        /WARP_STALE_AFTER_MS is 5000 here \(set\) and 90000 on the hub; WARP_MAX_CHANNELS is 256 here \(the default\) and 10 on the hub: the hub's applies/,
      ),
      fix: expect.stringMatching(/set them in the environment of warp hub \(.*pid 4242 on hub-host/),
    });
  });
});
