#!/usr/bin/env node
// Stands in for `claude -p PROMPT --mcp-config FILE --permission-mode MODE --allowedTools LIST` as
// the Warp Agent workflow runs it: it checks what the workflow hands Claude Code, starts each MCP
// server of the config as Claude Code would (its command, this environment), asks Warp's
// get_my_handle through it, and prints its answer, as Claude's would be, on stdout.
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const fail = (message) => {
  process.stderr.write(`fake claude: ${message}\n`);
  process.exit(2);
};

const prompt = option('-p');
if (!prompt) fail('no prompt (-p)');
if (!process.env.ANTHROPIC_API_KEY) fail('ANTHROPIC_API_KEY is not set');
if (!(option('--allowedTools') ?? '').split(',').includes('mcp__warp')) fail('Warp tools are not allowed');
const config = JSON.parse(readFileSync(option('--mcp-config') ?? fail('no --mcp-config'), 'utf8'));
const warp = config.mcpServers?.warp ?? fail('no warp server in the MCP config');

const item = JSON.parse(readFileSync(0, 'utf8'));
const transport = new StdioClientTransport({
  command: warp.command,
  args: warp.args ?? [],
  env: { ...process.env, ...warp.env },
  stderr: 'inherit',
});
const client = new Client({ name: 'fake-claude', version: '1.0.0' });
await client.connect(transport);
const answer = await client.callTool({ name: 'get_my_handle', arguments: {} });
await client.close();
if (answer.isError) fail(`get_my_handle failed: ${JSON.stringify(answer.content)}`);
const me = answer.structuredContent;
process.stdout.write(
  `${prompt}\nDid ${item.taskId} (${item.description}); Warp says ${me.connection} to ${me.backend} in ${me.namespace}\n`,
);
