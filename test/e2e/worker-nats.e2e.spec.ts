import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StdioAgent } from '../support/stdio-agent.js';
import { openOnly, stdioFleetOnNats } from '../support/stdio-fleet.js';
import { WarpProcess } from '../support/worker-process.js';

/** The lease the offers carry and the hub grants: the long command below runs three times as long. */
const LEASE_MS = 3_000;
const NAMESPACE = 'workers';

interface EventView {
  readonly type: string;
  readonly holder?: string;
  readonly error?: string;
}

/**
 * `warp worker` end to end: real nats-server with a WebSocket listener, a real hub, and workers that
 * connect with a ws:// URL and nothing but what `npm ci` installs (ADR 0033). In the e2e-auth run
 * every worker and agent holds its own credential from `warp auth` (NATS_CREDS).
 */
describe('warp worker over ws://', () => {
  const runtimeDir = mkdtempSync(join(tmpdir(), 'warp-worker-runtime-'));
  const fleet = stdioFleetOnNats(
    {
      WARP_NAMESPACE: NAMESPACE,
      WARP_RUNTIME_DIR: runtimeDir,
      WORKQUEUE_ACK_TIMEOUT: String(LEASE_MS),
      WORKQUEUE_MAX_ATTEMPTS: '2',
    },
    { websocket: true },
  );
  const workers: WarpProcess[] = [];
  let boss: StdioAgent;

  beforeAll(async () => {
    boss = await fleet.start({}, { handle: 'boss' });
    await boss.call('register_agent', { agentType: 'boss' });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.dispose()));
    rmSync(runtimeDir, { recursive: true, force: true });
  });

  /** `warp worker --capability CAP --as HANDLE OPTIONS -- sh -c SCRIPT`, over the fleet's ws:// URL. */
  const worker = async (
    capability: string,
    handle: string,
    script: string,
    options: readonly string[] = [],
  ): Promise<WarpProcess> => {
    const env = await fleet.clientEnv(handle, { WARP_NAMESPACE: NAMESPACE });
    const process = WarpProcess.warp(
      ['worker', '--capability', capability, '--as', handle, '--wait', '1', ...options, '--', 'sh', '-c', script],
      {
        ...env,
        NATS_URL: fleet.wsUrl(),
        WARP_NAMESPACE: NAMESPACE,
        WARP_RUNTIME_DIR: runtimeDir,
      },
    );
    workers.push(process);
    return process;
  };

  const offer = async (taskId: string, capability: string, extra: Record<string, unknown> = {}): Promise<string> => {
    const offered = await boss.call('broadcast_work_offer', {
      taskId,
      description: `do ${taskId}`,
      requiredCapability: capability,
      ...extra,
    });
    return offered.workItem.workItemId as string;
  };
  const show = (workItemId: string): Promise<{ workItem: any; events: EventView[] }> =>
    boss.call('get_work_item', { workItemId });
  const ofType = (events: readonly EventView[], type: string): EventView[] => events.filter((e) => e.type === type);

  it("completes items with the command's output; the item reaches it in its environment and on stdin", async () => {
    const first = await offer('echo-1', 'echo', { contextData: { file: 'a.ts' } });
    const second = await offer('echo-2', 'echo');
    const echo = await worker(
      'echo',
      'echoer',
      'echo "::progress 10 reading"; echo "did $WARP_TASK_ID ($WARP_WORK_CAPABILITY, attempt $WARP_WORK_ATTEMPT, $WARP_WORK_ID): $WARP_WORK_DESCRIPTION"; cat',
    );
    await echo.logged(new RegExp(`completed ${first}`));
    await echo.logged(new RegExp(`completed ${second}`));
    echo.signal('SIGTERM');
    expect(await echo.exitCode()).toBe(0);

    const { workItem } = await show(first);
    expect(workItem.status).toBe('completed');
    const [said, stdin] = (workItem.result as string).split('\n');
    expect(said).toBe(`did echo-1 (echo, attempt 1, ${first}): do echo-1`);
    expect(JSON.parse(stdin!)).toMatchObject({ workItemId: first, taskId: 'echo-1', contextData: { file: 'a.ts' } });
    expect(workItem.result).not.toContain('::progress');
    expect((await show(second)).workItem.result).toMatch(/^did echo-2 /);
    expect(echo.stderr()).toMatch(new RegExp(`progress ${first} 10%: reading`));
    expect(echo.stderr()).toMatch(/deregistered echoer/);
  });

  // The worker's exit codes, leases and signals below are the same with a credential: the auth run
  // proves a sealed worker claims, reports progress and completes (the test above).
  openOnly(
    '--once: exit 0 when the item completes, 1 when it fails; a failed item is dead-lettered at its last attempt with its stderr',
    async () => {
      const good = await offer('once-good', 'once');
      const ok = await worker('once', 'once-ok', 'echo fine', ['--once']);
      expect(await ok.exitCode()).toBe(0);
      expect((await show(good)).workItem).toMatchObject({ status: 'completed', result: 'fine' });

      const bad = await offer('once-bad', 'once');
      for (const attempt of [1, 2]) {
        const failing = await worker(
          'once',
          `once-bad-${attempt}`,
          'echo "broken on attempt $WARP_WORK_ATTEMPT" >&2; exit 3',
          ['--once'],
        );
        expect(await failing.exitCode()).toBe(1);
        expect(failing.stderr()).toMatch(
          new RegExp(`failed ${bad} in .*exit code 3; stderr: broken on attempt ${attempt}`),
        );
      }
      const { workItem } = await show(bad);
      expect(workItem).toMatchObject({ status: 'dead-lettered', deadLetterReason: 'max-attempts' });
      expect(workItem.attemptHistory.map((a: { reason: string }) => a.reason)).toEqual([
        'failed: exit code 3; stderr: broken on attempt 1',
        'failed: exit code 3; stderr: broken on attempt 2',
      ]);
    },
  );

  openOnly('--idle-exit: exits 0 once nothing was there to claim for that long', async () => {
    const idle = await worker('idle', 'idler', 'echo never', ['--idle-exit', '1']);
    expect(await idle.exitCode()).toBe(0);
    expect(idle.stderr()).toMatch(/nothing to claim for 1\.0 s \(--idle-exit\): stopping/);
    expect(idle.stderr()).toMatch(/deregistered idler/);
  });

  openOnly(
    'keeps the lease of a command that runs three times longer than it: completed once, never handed to the second worker, its progress visible meanwhile',
    async () => {
      const script = `echo "::progress 50 halfway"; sleep ${(3 * LEASE_MS) / 1000}; echo finished`;
      const [one, two] = await Promise.all([worker('long', 'long-1', script), worker('long', 'long-2', script)]);
      await Promise.all([one.logged(/waiting for work/), two.logged(/waiting for work/)]);
      const id = await offer('long-1', 'long');
      const runner = await Promise.race([
        one.logged(new RegExp(`progress ${id} 50%`)).then(() => one),
        two.logged(new RegExp(`progress ${id} 50%`)).then(() => two),
      ]);
      const during = await show(id);
      expect(during.workItem).toMatchObject({ status: 'claimed', progress: 50 });

      await runner.logged(new RegExp(`completed ${id}`));
      const { workItem, events } = await show(id);
      expect(workItem).toMatchObject({ status: 'completed', result: 'finished', attempts: 1 });
      expect(ofType(events, 'WorkClaimed')).toHaveLength(1);
      expect(ofType(events, 'WorkLeaseExpired')).toEqual([]);
      // Renewed while it ran: the command's own report, then at least one renewal a lease apart.
      expect(ofType(events, 'WorkProgressReported').length).toBeGreaterThanOrEqual(3);
      const other = runner === one ? two : one;
      expect(other.stderr()).not.toContain(id);
      for (const w of [one, two]) w.signal('SIGTERM');
      expect(await Promise.all([one.exitCode(), two.exitCode()])).toEqual([0, 0]);
    },
  );

  openOnly(
    'SIGTERM mid-item: the command is stopped, its item failed as interrupted and taken by another worker at once',
    async () => {
      const script = [
        'if [ "$WARP_WORK_ATTEMPT" = 1 ]; then',
        '  trap "echo got SIGTERM >&2; exit 143" TERM',
        '  echo "::progress 5 started"',
        '  while :; do sleep 0.1; done',
        'fi',
        'echo "done on attempt $WARP_WORK_ATTEMPT"',
      ].join('\n');
      const first = await worker('handoff', 'handoff-1', script);
      await first.logged(/waiting for work/);
      const id = await offer('handoff-1', 'handoff');
      await first.logged(new RegExp(`progress ${id} 5%`));
      const second = await worker('handoff', 'handoff-2', script);
      await second.logged(/waiting for work/);

      first.signal('SIGTERM');
      await second.logged(new RegExp(`completed ${id}`));
      expect(await first.exitCode()).toBe(0);
      expect(first.stderr()).toMatch(new RegExp(`interrupted ${id} .*failed it so another worker takes it now`));
      expect(first.stderr()).toMatch(/deregistered handoff-1/);

      const { workItem, events } = await show(id);
      expect(workItem).toMatchObject({ status: 'completed', result: 'done on attempt 2', attempts: 2 });
      const [failed] = ofType(events, 'WorkFailed');
      expect(failed!.error).toMatch(
        /^interrupted: the worker was stopped; the command ended with exit code 143; stderr: .*got SIGTERM/s,
      );
      // Handed over by the failure, not by the lease running out.
      expect(ofType(events, 'WorkLeaseExpired')).toEqual([]);
      expect(events.map((e) => e.type).filter((t) => t !== 'WorkProgressReported')).toEqual([
        'WorkOffered',
        'WorkClaimed',
        'WorkFailed',
        'WorkClaimed',
        'WorkCompleted',
      ]);
      second.signal('SIGTERM');
      expect(await second.exitCode()).toBe(0);
    },
  );
});
