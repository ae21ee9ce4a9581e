import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WorkItemEvent, WorkSpec } from '../src/domain/index.js';
import type { EventStore, StreamId } from '../src/ports/index.js';
import { median, pipelined, progress } from './measure.js';

/**
 * Stores `count` finished work items in `namespace` as a long-running project holds them once the
 * hub has compacted them (one WorkItemCompacted snapshot each: completed after one claim), through
 * the EventStore port so the stream layout is the adapter's business. Items are pipelined.
 */
export async function seedFinishedWork(
  events: EventStore,
  namespace: string,
  count: number,
  newId: () => string,
): Promise<void> {
  const at = Date.now();
  let stored = 0;
  await pipelined(count, 256, async (i) => {
    const id = newId();
    const stream: StreamId = { namespace, kind: 'work', id };
    const spec: WorkSpec = {
      id,
      taskId: `seed-${i}`,
      description: 'seeded finished work item',
      capability: i % 2 ? 'build' : 'test',
      priority: 5,
      offeredBy: 'seed',
      namespace,
    };
    // As a long-running project's history is once the hub has compacted it: one snapshot per finished item.
    const snapshot: WorkItemEvent = {
      type: 'WorkItemCompacted',
      v: 1,
      state: {
        status: 'completed',
        spec,
        offeredAt: at,
        attempts: 1,
        maxAttempts: 3,
        history: [],
        completedBy: 'seeder',
        completedAt: at,
      },
      at,
    };
    await events.compact(stream, [snapshot], 0);
    if (++stored % 10_000 === 0) progress(`seeded ${stored} / ${count} finished work items`);
  });
}

export interface FreshSession {
  /** From opening the runtime until it was open (the session's own start-up). */
  readonly openMs: number;
  /** From opening the runtime to the first list_work answer. */
  readonly firstAnswerMs: number;
  /** The process's RSS right after that answer. */
  readonly rssBytes: number;
  /** Its peak RSS (VmHWM) up to then. */
  readonly peakRssBytes: number;
}

const SCRIPT = fileURLToPath(new URL('./fresh-session.js', import.meta.url));

/** Runs fresh-session.js once in a process of its own with `env`, and returns what it measured. */
export function freshSession(env: NodeJS.ProcessEnv): Promise<FreshSession> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => void (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (err += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(JSON.parse(out) as FreshSession);
      else reject(new Error(`fresh session exited with ${code}:\n${err}`));
    });
  });
}

const summary = (runs: readonly FreshSession[]): FreshSession => ({
  openMs: median(runs.map((r) => r.openMs)),
  firstAnswerMs: median(runs.map((r) => r.firstAnswerMs)),
  rssBytes: median(runs.map((r) => r.rssBytes)),
  peakRssBytes: median(runs.map((r) => r.peakRssBytes)),
});

/** `count` fresh sessions after one unmeasured (which has the hub load the namespace); the median. */
export async function freshSessions(env: NodeJS.ProcessEnv, count: number): Promise<FreshSession> {
  await freshSession(env);
  const runs: FreshSession[] = [];
  for (let i = 0; i < count; i++) runs.push(await freshSession(env));
  return summary(runs);
}

/** Alternates fresh sessions between two environments `rounds` times; the median of each side. */
export async function freshSessionsSideBySide(
  a: NodeJS.ProcessEnv,
  b: NodeJS.ProcessEnv,
  rounds: number,
): Promise<[FreshSession, FreshSession]> {
  const as: FreshSession[] = [];
  const bs: FreshSession[] = [];
  for (let i = 0; i < rounds; i++) {
    as.push(await freshSession(a));
    bs.push(await freshSession(b));
  }
  return [summary(as), summary(bs)];
}
