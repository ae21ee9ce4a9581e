import { readdirSync, readFileSync } from 'node:fs';
import type { NatsConnection } from '@nats-io/transport-node';
import { discoverHubs } from '../src/adapters/hub/hub-directory.js';

/** A hub's own cost per request over a phase, measured from outside it: nothing in the hub is timed. */
export interface HubCpu {
  /** Requests its endpoints counted (the services framework's STATS) during the phase. */
  readonly requests: number;
  /** CPU time of all its threads (JS, GC, I/O) per request, in µs. */
  readonly usPerRequest: number;
  /** CPU time of its main (JavaScript) thread per request, in µs: what bounds one hub's throughput. */
  readonly mainUsPerRequest: number;
}

interface Mark {
  readonly requests: number;
  readonly allNs: number;
  readonly mainNs: number;
}

/**
 * Starts counting a hub process's CPU (the kernel's per-thread schedstat, in ns) and the requests
 * it serves; `stop` gives what it spent per request since. Whatever else the hub did meanwhile
 * (its upkeep, following the streams) is counted in, as part of what serving costs it.
 */
export async function countHubCpu(nc: NatsConnection, pid: number): Promise<{ stop(): Promise<HubCpu> }> {
  const mark = async (): Promise<Mark> => {
    const hub = (await discoverHubs(nc, Date.now())).find((h) => h.pid === pid);
    if (!hub) throw new Error(`bench: the hub with pid ${pid} does not answer STATS`);
    return { requests: hub.requests, allNs: threadsNs(pid), mainNs: taskNs(pid, pid) };
  };
  const start = await mark();
  return {
    async stop() {
      const end = await mark();
      const requests = end.requests - start.requests;
      const perRequest = (ns: number): number => ns / 1000 / Math.max(1, requests);
      return {
        requests,
        usPerRequest: perRequest(end.allNs - start.allNs),
        mainUsPerRequest: perRequest(end.mainNs - start.mainNs),
      };
    },
  };
}

function threadsNs(pid: number): number {
  return readdirSync(`/proc/${pid}/task`).reduce((sum, task) => sum + taskNs(pid, Number(task)), 0);
}

/** A thread that has exited since the listing counts as 0 (its time is not then in the process's). */
function taskNs(pid: number, task: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return 0;
  }
}
