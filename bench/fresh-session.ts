import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { openRuntime } from '../src/composition/runtime.js';

/**
 * One fresh thin session in a process of its own, so its memory is its own: opens a runtime
 * (configured by the environment, as an MCP server or CLI call is), asks list_work once and prints
 * how long opening and answering took and what the process held.
 */
const start = performance.now();
const runtime = await openRuntime({ env: process.env, cwd: process.cwd(), command: true });
const openMs = performance.now() - start;
await runtime.app.listWork({ limit: 1 });
const firstAnswerMs = performance.now() - start;
const rssBytes = process.memoryUsage().rss;
const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
await runtime.close();
process.stdout.write(
  `${JSON.stringify({ openMs, firstAnswerMs, rssBytes, peakRssBytes: hwm ? Number(hwm[1]) * 1024 : rssBytes })}\n`,
);
