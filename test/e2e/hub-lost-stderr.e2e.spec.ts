import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killWithTests, startNatsServer, type NatsServerHandle } from '../support/nats-server.js';
import { BIN } from '../support/stdio-agent.js';

/**
 * A hub whose stderr reader went away (the terminal or the process that started it is gone) has
 * nowhere to log. It must go on as before, and still exit once its NATS server is gone, rather
 * than spin on reporting that it cannot report.
 */
describe('a hub that lost its stderr', () => {
  let nats: NatsServerHandle;
  beforeAll(async () => {
    nats = await startNatsServer();
  });
  afterAll(async () => {
    await nats.dispose();
  });

  it('still exits by itself once NATS is gone', { timeout: 60_000 }, async () => {
    const hub = spawn(process.execPath, [BIN, 'hub'], {
      env: { ...process.env, NATS_URL: nats.url, WARP_HUB_ORPHAN_MS: '1000', LOG_LEVEL: 'DEBUG' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    killWithTests(hub);
    let log = '';
    for await (const chunk of hub.stderr!) {
      log += String(chunk);
      if (/hub serving/.test(log)) break;
    }
    hub.stderr!.destroy();
    const exited = once(hub, 'exit');
    // Losing NATS makes it log (a reconnect, its stop) into the closed pipe.
    await nats.stop();
    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });
});
