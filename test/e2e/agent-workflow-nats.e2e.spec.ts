import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { freePorts } from '../support/nats-server.js';
import { BIN, type StdioAgent } from '../support/stdio-agent.js';
import { openOnly, stdioFleetOnNats } from '../support/stdio-fleet.js';
import { WarpProcess } from '../support/worker-process.js';

interface Step {
  readonly id?: string;
  readonly name?: string;
  readonly run?: string;
  readonly env?: Record<string, string>;
}

const WORKFLOW = parse(readFileSync(join(process.cwd(), '.github/workflows/agent.yml'), 'utf8')) as {
  jobs: Record<string, { steps: Step[]; env?: Record<string, string> }>;
};
const FAKE_CLAUDE = join(process.cwd(), 'test/support/fake-claude-print.mjs');
const NAMESPACE = 'gh-agents';

/** A step's shell as the workflow has it; the `${{ }}` expressions belong in its env, never its script. */
function script(job: string, id: string): string {
  const step = WORKFLOW.jobs[job]!.steps.find((s) => s.id === id);
  if (!step?.run) throw new Error(`.github/workflows/agent.yml has no step ${id} with a script in job ${job}`);
  expect(step.run).not.toContain('${{');
  return step.run;
}

/**
 * The workflow's steps that run Warp (credentials, doctor, the two workers), run the way GitHub's
 * runner does (`bash -e`, RUNNER_TEMP, GITHUB_ENV, GITHUB_OUTPUT), against a local nats-server over
 * its WebSocket listener and a hub. In the e2e-auth run the secret NATS_CREDS is a real credential.
 */
describe('the Warp Agent workflow (.github/workflows/agent.yml)', () => {
  const root = mkdtempSync(join(tmpdir(), 'warp-agent-workflow-'));
  const runnerTemp = join(root, 'runner-temp');
  const bin = join(root, 'bin');
  const workspace = join(root, 'workspace');
  const fleet = stdioFleetOnNats(
    { WARP_NAMESPACE: NAMESPACE, WARP_RUNTIME_DIR: join(root, 'runtime') },
    { websocket: true },
  );
  let boss: StdioAgent;

  beforeAll(async () => {
    for (const dir of [runnerTemp, bin, workspace]) mkdirSync(dir);
    // `npm link` puts warp on PATH; Claude Code is the stand-in.
    const shim = (name: string, target: string): void => {
      writeFileSync(join(bin, name), `#!/bin/sh\nexec "${process.execPath}" "${target}" "$@"\n`);
      chmodSync(join(bin, name), 0o755);
    };
    shim('warp', BIN);
    shim('claude', FAKE_CLAUDE);
    boss = await fleet.start({}, { handle: 'boss' });
    await boss.call('register_agent', { agentType: 'boss' });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** The job's environment as the runner sets it for worker 1 of run 42 (the secrets from the fleet). */
  const jobEnv = async (): Promise<Record<string, string>> => ({
    PATH: `${bin}:${process.env['PATH'] ?? ''}`,
    RUNNER_TEMP: runnerTemp,
    WARP_RUNTIME_DIR: join(root, 'runtime'),
    WARP_NAMESPACE: NAMESPACE,
    NATS_URL: fleet.wsUrl(),
    WARP_HANDLE: 'gh-42-1',
    WARP_HUB: 'external',
  });

  /** Runs a step's script with `env`; what it adds to GITHUB_ENV is returned for the steps after it. */
  async function runStep(job: string, id: string, env: Record<string, string>) {
    const githubEnv = join(runnerTemp, `env-${id}`);
    const githubOutput = join(runnerTemp, `output-${id}`);
    writeFileSync(githubEnv, '');
    writeFileSync(githubOutput, '');
    const file = join(runnerTemp, `${id}.sh`);
    writeFileSync(file, script(job, id));
    const step = WarpProcess.spawn(
      'bash',
      ['--noprofile', '--norc', '-e', file],
      { ...env, GITHUB_ENV: githubEnv, GITHUB_OUTPUT: githubOutput, GITHUB_WORKSPACE: workspace },
      workspace,
    );
    const code = await step.exitCode(60_000);
    const lines = (path: string): Record<string, string> =>
      Object.fromEntries(
        readFileSync(path, 'utf8')
          .split('\n')
          .filter((l) => l.includes('='))
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
    return { code, stdout: step.stdout(), stderr: step.stderr(), env: lines(githubEnv), output: lines(githubOutput) };
  }

  /** The secret NATS_CREDS: a `warp auth add-agent` credential's content with authentication on, else none. */
  const credsSecret = async (handle: string): Promise<string> => {
    const env = await fleet.clientEnv(handle, { WARP_NAMESPACE: NAMESPACE });
    return env['NATS_CREDS'] ? readFileSync(env['NATS_CREDS'], 'utf8') : '';
  };

  /** The credentials step, then the environment every later step of the job gets. */
  const preparedEnv = async (handle: string): Promise<Record<string, string>> => {
    const base = await jobEnv();
    const secret = await credsSecret(handle);
    const credentials = await runStep('agent', 'credentials', { ...base, NATS_CREDS_CONTENT: secret });
    expect(credentials.code).toBe(0);
    if (secret) {
      expect(readFileSync(credentials.env['NATS_CREDS']!, 'utf8')).toBe(`${secret}\n`);
      expect(statSync(credentials.env['NATS_CREDS']!).mode & 0o777).toBe(0o600);
    } else expect(credentials.env).toEqual({});
    return { ...base, ...credentials.env };
  };

  const offer = async (taskId: string, capability: string): Promise<string> =>
    (
      await boss.call('broadcast_work_offer', {
        taskId,
        description: `task ${taskId}`,
        requiredCapability: capability,
      })
    ).workItem.workItemId;

  // Planning, an unreachable server and a missing secret involve no credential.
  openOnly('plans one job per worker, and refuses a number out of range', async () => {
    const three = await runStep('plan', 'count', { WORKERS: '3' });
    expect(three).toMatchObject({ code: 0, output: { workers: '[1,2,3]' } });
    expect(JSON.parse(three.output['workers']!)).toEqual([1, 2, 3]);
    const none = await runStep('plan', 'count', { WORKERS: '0' });
    expect(none.code).toBe(1);
    expect(none.stdout).toContain('::error title=workers::');
  });

  it('the command agent: doctor passes, the worker completes the items with the command and exits when idle', async () => {
    const env = await preparedEnv('gh-42-1');
    const doctor = await runStep('agent', 'doctor', env);
    expect(doctor.stdout).toMatch(/^ok\s+nats\s/m);
    expect(doctor.code).toBe(0);

    const ids = [await offer('wf-1', 'workflow-cmd'), await offer('wf-2', 'workflow-cmd')];
    const worker = await runStep('agent', 'worker-command', {
      ...env,
      CAPABILITY: 'workflow-cmd',
      IDLE_TIMEOUT: '1',
      COMMAND: 'echo "done: $WARP_TASK_ID ($WARP_WORK_DESCRIPTION)"',
    });
    expect(worker.stderr).toMatch(/nothing to claim for 1\.0 s \(--idle-exit\): stopping/);
    expect(worker.code).toBe(0);
    for (const [i, id] of ids.entries()) {
      const { workItem } = await boss.call('get_work_item', { workItemId: id });
      expect(workItem).toMatchObject({ status: 'completed', result: `done: wf-${i + 1} (task wf-${i + 1})` });
    }
  });

  it('the Claude Code agent: claude -p gets the prompt, the item on stdin and Warp as its MCP server', async () => {
    const env = await preparedEnv('gh-42-1');
    const id = await offer('wf-claude', 'workflow-claude');
    const worker = await runStep('agent', 'worker-claude', {
      ...env,
      CAPABILITY: 'workflow-claude',
      IDLE_TIMEOUT: '1',
      ANTHROPIC_API_KEY: 'sk-test-not-a-key',
      PROMPT: 'Fix it.',
    });
    expect(worker.code).toBe(0);
    const { workItem } = await boss.call('get_work_item', { workItemId: id });
    expect(workItem).toMatchObject({
      status: 'completed',
      result: `Fix it.\nDid wf-claude (task wf-claude); Warp says connected to nats in ${NAMESPACE}`,
    });

    const noKey = await runStep('agent', 'worker-claude', { ...env, CAPABILITY: 'workflow-claude', IDLE_TIMEOUT: '1' });
    expect(noKey.code).toBe(1);
    expect(noKey.stdout).toContain('::error title=ANTHROPIC_API_KEY::');
  });

  openOnly("fails the job with warp doctor's own words when the server cannot be reached", async () => {
    const [closed] = (await freePorts(1)) as [number];
    const doctor = await runStep('agent', 'doctor', { ...(await jobEnv()), NATS_URL: `ws://127.0.0.1:${closed}` });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/^PROBLEM\s+nats\s/m);
    const errors = doctor.stdout.split('\n').filter((l) => l.startsWith('::error title=warp doctor::'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^::error title=warp doctor::nats .*127\\.0\\.0\\.1:${closed}.* - fix: `));
  });

  openOnly('says which secret is missing', async () => {
    const credentials = await runStep('agent', 'credentials', { ...(await jobEnv()), NATS_URL: '' });
    expect(credentials.code).toBe(1);
    expect(credentials.stdout).toContain('::error title=NATS_URL::set the repository secret NATS_URL');
  });
});
