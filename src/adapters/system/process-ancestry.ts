import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly name: string;
}

/** The parent pid and short name of a process (/proc on Linux, `ps` elsewhere); undefined when it is gone. */
export function processInfo(pid: number): ProcessInfo | undefined {
  try {
    if (process.platform === 'linux') {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // "pid (name) state ppid …": the name may hold spaces and parentheses, so split at the last ")".
      const close = stat.lastIndexOf(')');
      const name = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      return Number.isInteger(ppid) ? { pid, ppid, name } : undefined;
    }
    const out = execFileSync('ps', ['-o', 'ppid=,comm=', '-p', String(pid)], { encoding: 'utf8', timeout: 500 });
    const match = /^\s*(\d+)\s+(.*)$/.exec(out.trim());
    return match ? { pid, ppid: Number(match[1]), name: match[2]!.split('/').pop()! } : undefined;
  } catch {
    return undefined;
  }
}

/** Processes that only start another command: shells, `env`, npm/npx. */
const WRAPPER = /^(?:sh|bash|dash|zsh|fish|ksh|mksh|busybox|env|timeout|npm.*|npx.*|cmd\.exe|powershell.*|pwsh.*)$/i;

/**
 * The process that started this one for real: the nearest ancestor that is not a shell or
 * npm wrapper. For an MCP server and for a hook it is the Claude Code process that runs both.
 */
export function hostProcess(pid: number = process.pid): number | undefined {
  let current = processInfo(pid)?.ppid;
  for (let hops = 0; current && current > 1 && hops < 8; hops++) {
    const info = processInfo(current);
    if (!info) return undefined;
    if (!WRAPPER.test(info.name)) return current;
    current = info.ppid;
  }
  return undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
