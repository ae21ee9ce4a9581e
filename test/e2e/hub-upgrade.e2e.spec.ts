import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { connect, type Msg } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processRunning } from '../support/hub-process.js';
import { discoverHubs } from '../../src/adapters/hub/hub-directory.js';
import { startNatsServer, type NatsServerHandle } from '../support/nats-server.js';

const run = promisify(execFile);

/**
 * The hub a session starts runs for as long as NATS does: when the Warp it was started from is
 * rebuilt or upgraded, it makes way (answering what it took) and the next call starts the new one.
 * The test runs a copy of the build, so that rewriting it leaves the other tests' Warp alone.
 */
describe('the hub a session started, when Warp is rebuilt under it', () => {
  let nats: NatsServerHandle;
  const root = mkdtempSync(join(tmpdir(), 'warp-hub-upgrade-'));
  const runtimeDir = join(root, 'runtime');
  const bin = join(root, 'dist/src/adapters/cli/bin.js');
  const pids: number[] = [];
  const env = (): NodeJS.ProcessEnv => ({
    ...process.env,
    NATS_URL: nats.url,
    WARP_NAMESPACE: 'upgrade',
    WARP_RUNTIME_DIR: runtimeDir,
    WARP_HUB: 'auto',
    LOG_LEVEL: 'INFO',
  });
  const warp = async (...args: string[]): Promise<any> =>
    JSON.parse((await run(process.execPath, [bin, ...args, '--json'], { env: env() })).stdout);
  const hubPids = async (): Promise<number[]> => (await warp('status')).hubs.map((h: { pid: number }) => h.pid);

  beforeAll(async () => {
    nats = await startNatsServer();
    cpSync(join(process.cwd(), 'dist/src'), join(root, 'dist/src'), { recursive: true });
    cpSync(join(process.cwd(), 'package.json'), join(root, 'package.json'));
    symlinkSync(join(process.cwd(), 'node_modules'), join(root, 'node_modules'));
  });
  afterAll(async () => {
    // The hubs are detached from every test process: any that outlived the test ends here.
    for (const pid of pids) if (processRunning(pid)) process.kill(pid, 'SIGKILL');
    await nats.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it('starts a hub of the new build, answers the claim it holds, and exits', { timeout: 90_000 }, async () => {
    await warp('work', 'list');
    const [old] = await hubPids();
    pids.push(old!);

    // A claim waits at the old hub while the build changes under it. Once the server has answered
    // a flush after it, the claim is on its way to the old hub, ahead of anything the hub does later.
    const nc = await connect({ servers: nats.url });
    const who = { namespace: 'upgrade', hostname: 'h', username: 'u', holder: { session: 'w1', pid: 1 } };
    const ask = (op: string, session: object, input: unknown): Promise<Msg> =>
      nc.request(`warp.hub.${op}.upgrade.w1`, JSON.stringify({ session, input }), { timeout: 40_000 });
    const { session } = (
      await ask('registerAgent', who, { agentType: 'worker', capabilities: ['deploy'] })
    ).json<any>();
    const claim = ask('claimWork', { ...who, guid: session.guid }, { capability: 'deploy', timeout: 30_000 });
    await nc.flush();

    const now = new Date();
    // As `tsc --watch` does: one file deep in the build is written again, the rest stay.
    utimesSync(join(root, 'dist/src/domain/shared/limits.js'), now, now);
    // Nothing tells this test when another process logs: it looks until the old hub has let go.
    const log = (): string => readFileSync(join(runtimeDir, 'hub.log'), 'utf8');
    while (!/hub stopping.*rebuilt or upgraded/.test(log())) await sleep(200);
    // The old hub started its successor itself: it answers before any session has had to look for one
    // (until it does, no hub answers: the old one has let go).
    let successor: number | undefined;
    while (successor === undefined) {
      successor = (await discoverHubs(nc, Date.now(), 300).catch(() => [])).find((hub) => hub.pid !== old)?.pid;
      if (successor !== undefined) pids.push(successor);
    }

    // Offered through the successor: the waiting claim (answered by the old hub, which follows the
    // stream until it exits) gets the item.
    const { workItem } = await warp('work', 'offer', 'ship-it', 'deploy', 'ship', 'it');
    expect((await claim).json()).toMatchObject({
      ok: true,
      result: { claimed: true, workItem: { workItemId: workItem.workItemId } },
    });

    while (processRunning(old!)) await sleep(100);
    expect(await hubPids()).toEqual([successor]);
    await nc.close();
  });
});
