import { Conflict } from '../shared/domain-error.js';
import { isFresh } from './agent-presence.js';

/** The session that holds an agent's identity: its id and its process on the agent's host. */
export interface AgentHolder {
  readonly session: string;
  readonly pid: number;
  /** A CLI command: it holds the handle only while it runs and shares it with other commands. */
  readonly command?: boolean;
}

/** What the registry says about an agent that has a handle someone wants. */
export interface HandleHolding {
  readonly hostname: string;
  /** Absent when no session holds it: it ended cleanly, or registered before holders were recorded. */
  readonly holder?: AgentHolder;
  readonly offline: boolean;
  readonly deregistered: boolean;
  /** Its newest sign of life: the last heartbeat or change. */
  readonly lastSeen: number;
}

/** Whether a process runs, as the claimant's host saw it (`process.kill(pid, 0)`). */
export interface ProcessSighting {
  readonly pid: number;
  readonly alive: boolean;
}

/** A session that wants the handle, and the facts it gathered. */
export interface HandleClaim {
  readonly by: AgentHolder;
  readonly hostname: string;
  readonly now: number;
  readonly staleAfterMs: number;
  /** The holder's recorded pid, looked up on the claimant's host. */
  readonly sighting?: ProcessSighting;
}

/**
 * Whether `holding` keeps its handle from `claim`: its session is live and is not the claimant's.
 * On the holder's own host a dead recorded pid frees the handle at once (a crashed agent restarts
 * as itself); otherwise the holder is live while its heartbeat is fresh. A live pid alone does not
 * hold the handle past the stale threshold, since pids are reused.
 *
 * @example
 *   holdsHandle({ hostname: 'h', holder: { session: 's1', pid: 7 }, offline: false, deregistered: false, lastSeen: 0 },
 *     { by: { session: 's2', pid: 8 }, hostname: 'h', now: 10, staleAfterMs: 90_000, sighting: { pid: 7, alive: false } }) // false
 */
export function holdsHandle(holding: HandleHolding, claim: HandleClaim): boolean {
  if (holding.deregistered) return false;
  const fresh = isFresh(holding.lastSeen, claim.now, claim.staleAfterMs);
  const { holder } = holding;
  if (!holder) return fresh && !holding.offline;
  if (holder.session === claim.by.session) return false;
  if (holder.command && claim.by.command) return false;
  const sighted = holding.hostname === claim.hostname && claim.sighting?.pid === holder.pid;
  if (sighted && !claim.sighting!.alive) return false;
  return fresh;
}

export class HandleTaken extends Conflict {
  constructor(readonly handle: string) {
    super(
      `Handle "${handle}" is held by a live session in this project; choose another handle with set_handle, ` +
        'or stop that session first (a crashed session frees its handle at once on its own host, ' +
        'and after WARP_STALE_AFTER_MS from other hosts).',
    );
  }
}
