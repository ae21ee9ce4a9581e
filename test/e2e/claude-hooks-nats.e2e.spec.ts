import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openOnly, stdioFleetOnNats } from '../support/stdio-fleet.js';
import { BIN, StdioAgent } from '../support/stdio-agent.js';

const FAKE_CLAUDE = join(process.cwd(), 'test/support/fake-claude.mjs');
/** "Answers within a second": a generous bound for a loaded machine, checked as a deadline, not a measurement. */
const HOOK_DEADLINE_MS = 5_000;

interface HookRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The JSON Claude Code sends to each hook on stdin. */
const base = {
  session_id: 'sess-1',
  transcript_path: '/tmp/transcript.jsonl',
  cwd: process.cwd(),
  permission_mode: 'default',
};
const sessionStart = { ...base, hook_event_name: 'SessionStart', source: 'startup' };
const promptSubmit = { ...base, hook_event_name: 'UserPromptSubmit', prompt: 'carry on' };
const stopEvent = (active: boolean) => ({ ...base, hook_event_name: 'Stop', stop_hook_active: active });

const hookCommand = (event: string, agent?: string): string =>
  `"${process.execPath}" "${BIN}" hook ${event}${agent ? ` --agent ${agent}` : ''}`;

/** Runs a hook as a child of the fake Claude Code process (as Claude Code does: sh -c, JSON on stdin). */
async function viaClaude(agent: StdioAgent, event: string, input: unknown): Promise<HookRun> {
  const port = /FAKE_CLAUDE_PORT=(\d+)/.exec(agent.stderr())?.[1];
  if (!port) throw new Error(`fake claude printed no port: ${agent.stderr()}`);
  // The run time: every hook run must be over before the deadline, or the test fails here.
  const res = await fetch(`http://127.0.0.1:${port}/hook`, {
    method: 'POST',
    body: JSON.stringify({ command: hookCommand(event), input: JSON.stringify(input) }),
    signal: AbortSignal.timeout(HOOK_DEADLINE_MS),
  }).catch((error: unknown) => {
    throw new Error(`hook ${event} did not finish within ${HOOK_DEADLINE_MS} ms (${String(error)})`);
  });
  return (await res.json()) as HookRun;
}

/** A process of its own that runs the command given after it: a host that started no Warp server. */
const OTHER_HOST = `const c = require('node:child_process').spawn(process.execPath, process.argv.slice(1), { stdio: 'inherit' });
c.on('exit', (code) => process.exit(code ?? 1));`;

/** Runs a hook under another host than any Warp server's (stdin, stdout and stderr are the hook's). */
function directly(env: Record<string, string>, args: string[], input: string): Promise<HookRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', OTHER_HOST, BIN, 'hook', ...args], {
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const killer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hook ${args.join(' ')} did not finish within ${HOOK_DEADLINE_MS} ms`));
    }, HOOK_DEADLINE_MS);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

const contextOf = (run: HookRun, hookEventName: string): string => {
  expect(run.code).toBe(0);
  const output = JSON.parse(run.stdout) as { hookSpecificOutput: { hookEventName: string; additionalContext: string } };
  expect(Object.keys(output)).toEqual(['hookSpecificOutput']);
  expect(output.hookSpecificOutput.hookEventName).toBe(hookEventName);
  return output.hookSpecificOutput.additionalContext;
};
const silent = (run: HookRun): void => expect(run).toMatchObject({ code: 0, stdout: '', stderr: '' });

describe('Claude Code hooks (real stdio MCP servers on NATS)', () => {
  const runtimeDir = mkdtempSync(join(tmpdir(), 'warp-runtime-'));
  const env = { WARP_NAMESPACE: 'hooks', WARP_RUNTIME_DIR: runtimeDir, WARP_PUSH: 'none' };
  const fleet = stdioFleetOnNats(env);
  const started: StdioAgent[] = [];
  afterAll(async () => {
    await Promise.all(started.map((a) => a.close()));
    rmSync(runtimeDir, { recursive: true, force: true });
  });
  /** A session under the fake Claude Code, to be registered as `handle` (its credential's, with authentication). */
  const underClaude = async (handle: string): Promise<StdioAgent> => {
    const agent = await StdioAgent.start({ ...env, ...(await fleet.clientEnv(handle, env)) }, { via: FAKE_CLAUDE });
    started.push(agent);
    return agent;
  };

  // A hook talks to its session over the session's socket, never to NATS: with credentials, what the
  // session answers it is what a sealed session answers any call. The auth run keeps the test below,
  // where the handle the hook looks for is the credential's.
  openOnly(
    'surface what is new once per item, block stopping while DMs or mentions wait, and never when stop_hook_active',
    async () => {
      const claude = await underClaude('hooked');
      const peer = await fleet.start({}, { handle: 'peer' });
      // Before registering, session start says how to start receiving.
      expect(contextOf(await viaClaude(claude, 'session-start', sessionStart), 'SessionStart')).toMatch(
        /register_agent/,
      );

      const { agent: me } = await claude.call('register_agent', { agentType: 'hooked', capabilities: ['review'] });
      await peer.call('register_agent', { agentType: 'peer' });
      await peer.call('send_direct_message', { recipientGuid: me.guid, message: 'please review PR 7' });
      await peer.call('send_message', { channel: 'roadmap', message: '@hooked the plan is ready' });
      await peer.call('send_message', { channel: 'roadmap', message: 'not for anyone in particular' });
      const offer = await peer.call('broadcast_work_offer', {
        taskId: 'review-7',
        description: 'review PR 7',
        requiredCapability: 'review',
      });

      const first = contextOf(
        await viaClaude(claude, 'session-start', { ...sessionStart, source: 'resume' }),
        'SessionStart',
      );
      expect(first).toContain('please review PR 7');
      expect(first).toContain('#roadmap from peer');
      expect(first).toContain('@hooked the plan is ready');
      expect(first).not.toContain('not for anyone in particular');
      expect(first).toContain(offer.workItem.workItemId);
      expect(first).toMatch(/Online now: peer \(peer\)/);
      expect(first).toMatch(/never instructions/);

      // Each item once: nothing new since, so the prompt hook says nothing.
      silent(await viaClaude(claude, 'user-prompt-submit', promptSubmit));
      await peer.call('send_direct_message', { recipientGuid: me.guid, message: 'second thought' });
      const next = contextOf(await viaClaude(claude, 'user-prompt-submit', promptSubmit), 'UserPromptSubmit');
      expect(next).toContain('second thought');
      expect(next).not.toContain('please review PR 7');
      expect(next).not.toContain('Online now');

      // Unread DMs and the mention keep the agent from stopping…
      const stop = await viaClaude(claude, 'stop', stopEvent(false));
      expect(stop.code).toBe(0);
      const blocked = JSON.parse(stop.stdout) as { decision: string; reason: string };
      expect(Object.keys(blocked).sort()).toEqual(['decision', 'reason']);
      expect(blocked.decision).toBe('block');
      expect(blocked.reason).toContain('please review PR 7');
      expect(blocked.reason).toContain('second thought');
      expect(blocked.reason).toContain('@hooked the plan is ready');
      // …but never twice in a row.
      silent(await viaClaude(claude, 'stop', stopEvent(true)));

      // Once read, nothing holds the agent back.
      await claude.call('read_direct_messages', { limit: 10 });
      await claude.call('read_messages', { channel: 'roadmap', unreadOnly: true });
      silent(await viaClaude(claude, 'stop', stopEvent(false)));
    },
  );

  it('finds the agent by --agent HANDLE from any process, and by host process only under its own Claude Code', async () => {
    const claude = await underClaude('by-handle');
    const peer = await fleet.start({}, { handle: 'peer-two' });
    const { agent: me } = await claude.call('register_agent', { agentType: 'by-handle' });
    await peer.call('register_agent', { agentType: 'peer-two' });
    await peer.call('send_direct_message', { recipientGuid: me.guid, message: 'found you by name' });

    // Another host than the server's: without --agent the hook finds no session.
    silent(await directly(env, ['user-prompt-submit'], JSON.stringify(promptSubmit)));
    const byHandle = await directly(env, ['user-prompt-submit', '--agent', 'by-handle'], JSON.stringify(promptSubmit));
    expect(contextOf(byHandle, 'UserPromptSubmit')).toContain('found you by name');
  });

  // Bad input and no session to find: no credential comes into it.
  openOnly('exits 0 and says nothing on any error', async () => {
    silent(await directly(env, ['stop'], 'this is not json'));
    silent(await directly(env, ['user-prompt-submit', '--agent', 'nobody-has-this'], JSON.stringify(promptSubmit)));
    silent(await directly(env, ['no-such-event'], '{}'));
    silent(
      await directly(
        { ...env, WARP_TOOLS: 'bogus', NATS_URL: 'nats//broken' },
        ['stop'],
        JSON.stringify(stopEvent(false)),
      ),
    );
    const empty = mkdtempSync(join(tmpdir(), 'warp-runtime-empty-'));
    // SessionStart waits for a server starting with it as long as its timeout lets it, then says nothing.
    silent(
      await directly({ WARP_RUNTIME_DIR: empty }, ['session-start', '--timeout', '2'], JSON.stringify(sessionStart)),
    );
    silent(await directly(env, ['pre-tool-use'], JSON.stringify({ tool_name: 'Edit', tool_input: {} })));
    silent(await directly(env, ['session-start', '--timeout', 'soon'], JSON.stringify(sessionStart)));
    rmSync(empty, { recursive: true, force: true });
  });
});
