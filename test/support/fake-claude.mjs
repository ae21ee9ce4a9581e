// Stands in for the Claude Code process: it starts the Warp MCP server as its child (relaying
// the MCP client's stdio to it) and, on request, runs hook commands the way Claude Code does
// (`sh -c <command>`, the hook JSON on stdin), so server and hooks share this process as host.
// Usage: node fake-claude.mjs <server bin>. Prints FAKE_CLAUDE_PORT=<port> on stderr.
// With FAKE_CLAUDE_AT_START=<command> it runs that hook the moment it starts the server, as Claude
// Code runs SessionStart (its JSON in FAKE_CLAUDE_AT_START_INPUT), and prints
// FAKE_CLAUDE_AT_START_RESULT=<the run as JSON> on stderr once it ends.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';

const HOOK_KILL_MS = 10_000;

/** Runs a hook command as Claude Code does; `done` gets the run (code, signal, stdout, stderr, ms). */
function runHook(command, input, done) {
  const startedAt = Date.now();
  const hook = spawn('sh', ['-c', command], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  hook.stdout.on('data', (c) => (stdout += c));
  hook.stderr.on('data', (c) => (stderr += c));
  const killer = setTimeout(() => hook.kill('SIGKILL'), HOOK_KILL_MS);
  hook.on('close', (code, signal) => {
    clearTimeout(killer);
    done({ code, signal, stdout, stderr, ms: Date.now() - startedAt });
  });
  hook.stdin.end(input);
}

const http = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    const { command, input } = JSON.parse(body);
    runHook(command, input, (run) => res.end(JSON.stringify(run)));
  });
});

http.listen(0, '127.0.0.1', () => {
  process.stderr.write(`FAKE_CLAUDE_PORT=${http.address().port}\n`);
  const server = spawn(process.execPath, process.argv.slice(2), { stdio: ['pipe', 'pipe', 'inherit'] });
  process.stdin.pipe(server.stdin);
  server.stdout.pipe(process.stdout);
  server.on('exit', (code) => process.exit(code ?? 0));
  const atStart = process.env.FAKE_CLAUDE_AT_START;
  if (atStart)
    runHook(atStart, process.env.FAKE_CLAUDE_AT_START_INPUT ?? '{}', (run) =>
      process.stderr.write(`FAKE_CLAUDE_AT_START_RESULT=${JSON.stringify(run)}\n`),
    );
  process.stdin.on('end', () => server.stdin.end());
});
