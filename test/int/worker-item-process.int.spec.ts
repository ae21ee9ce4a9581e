import { describe, expect, it } from 'vitest';
import { startItemCommand, type ItemCommand } from '../../src/adapters/cli/worker/item-process.js';
import type { ProgressLine } from '../../src/adapters/cli/worker/work-output.js';
import { processRunning } from '../support/hub-process.js';

/** Runs `sh -c script` the way `warp worker` runs a command, collecting its progress lines. */
function sh(script: string, options: Partial<ItemCommand> = {}) {
  const progress: ProgressLine[] = [];
  let reported: () => void = () => undefined;
  /** Its first progress line: the command saying it is ready. */
  const ready = new Promise<void>((resolve) => (reported = resolve));
  const run = startItemCommand({
    argv: ['sh', '-c', script],
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
    input: '',
    onProgress: (p) => {
      progress.push(p);
      reported();
    },
    ...options,
  });
  return { run, progress, ready };
}

describe('a command run for a work item', () => {
  it('gets the item in its environment and on stdin; its progress lines are left out of its output', async () => {
    const { run, progress } = sh(
      'echo "::progress 10 start"; echo "id=$WARP_WORK_ID"; cat; printf "::progress 100 done"',
      {
        env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', WARP_WORK_ID: 'w-7' },
        input: '{"workItemId":"w-7"}\n',
      },
    );
    const exit = await run.exited;
    expect(exit).toMatchObject({ code: 0, signal: null, stderr: '' });
    expect(exit.stdout).toEqual({ text: 'id=w-7\n{"workItemId":"w-7"}\n', dropped: 0 });
    // The last line counts even without its newline.
    expect(progress).toEqual([
      { percent: 10, note: 'start' },
      { percent: 100, note: 'done' },
    ]);
  });

  it('reports a failure with its exit code and the end of its stderr', async () => {
    const { run } = sh('echo partial; echo "it broke" >&2; exit 7');
    const exit = await run.exited;
    expect(exit).toMatchObject({ code: 7, stderr: 'it broke\n', stdout: { text: 'partial\n', dropped: 0 } });
  });

  it('keeps only the end of an output without end', async () => {
    const { run } = sh('head -c 300000 /dev/zero | tr "\\0" "x"; echo; echo last');
    const exit = await run.exited;
    expect(exit.stdout.text.endsWith('x\nlast\n')).toBe(true);
    expect(exit.stdout.text.length).toBeLessThan(300_000);
    expect(exit.stdout.dropped + exit.stdout.text.length).toBe(300_006);
  });

  it('stop: SIGTERM to the command and what it started, then SIGKILL after the grace to one that ignores it', async () => {
    const polite = sh(
      'trap "echo terminated >&2; exit 143" TERM; echo "::progress 1 ready"; while :; do sleep 0.05; done',
    );
    await polite.ready;
    expect(polite.run.stop(10_000)).toBe(true);
    expect(await polite.run.exited).toMatchObject({ code: 143, stderr: expect.stringContaining('terminated') });

    const stubborn = sh('trap "" TERM; echo "::progress 1 ready"; while :; do sleep 0.05; done');
    await stubborn.ready;
    expect(stubborn.run.stop(200)).toBe(true);
    expect(await stubborn.run.exited).toMatchObject({ code: null, signal: 'SIGKILL' });
    expect(stubborn.run.stop(200)).toBe(false);
  });

  it('ends what the command leaves running, so a leftover holding its stdout does not keep the item open', async () => {
    const { run } = sh('sleep 300 & echo "$!"; echo left it');
    const exit = await run.exited;
    expect(exit.code).toBe(0);
    // Its pipes close as it is being killed, a moment before it is gone from the process table.
    const leftover = Number(exit.stdout.text.split('\n')[0]);
    for (const deadline = Date.now() + 5_000; processRunning(leftover) && Date.now() < deadline;)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(processRunning(leftover)).toBe(false);
  });

  it('a command that cannot be started says why', async () => {
    const run = startItemCommand({
      argv: ['/no/such/command'],
      env: {},
      input: 'x',
      onProgress: () => undefined,
    });
    const exit = await run.exited;
    expect(exit.spawnError).toMatch(/ENOENT/);
    expect(exit.code).toBeNull();
  });
});
