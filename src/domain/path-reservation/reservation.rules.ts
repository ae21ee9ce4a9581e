import { isFresh } from '../agent/agent-presence.js';
import { patternsOverlap } from './path-pattern.js';

/** Who holds a reservation. */
export interface PathHolder {
  readonly guid: string;
  readonly handle: string;
  /**
   * The agent session that reserved, whose end (clean, or stale after a crash) ends the
   * reservation. Absent for a CLI command, which ends at once: its reservations last until their
   * TTL, a release or the agent's deregistration.
   */
  readonly session?: string;
}

export interface Reservation {
  /** Canonical, relative to the project root (see toProjectPattern). */
  readonly pattern: string;
  readonly exclusive: boolean;
  readonly holder: PathHolder;
  readonly reason?: string;
  /** When the holder first reserved it (renewals keep it). */
  readonly since: number;
  /** It ends at this instant unless renewed. */
  readonly expiresAt: number;
}

/** One project's reservations: the aggregate, one per namespace. */
export interface ReservationBook {
  readonly reservations: readonly Reservation[];
}

/** The key that says which holders have gone: the agent, and the session that reserved when there is one. */
export const holderKey = (holder: PathHolder): string =>
  holder.session === undefined ? holder.guid : `${holder.guid}/${holder.session}`;

/** What the registry says of a holder's agent, gathered by the use case. */
export interface HolderFacts {
  readonly deregistered: boolean;
  /** The session holding the agent now; absent once it ended cleanly. */
  readonly session?: string;
  /** Its newest sign of life: the last heartbeat or change. */
  readonly lastSeen: number;
  /** Its process was seen dead on its own host (a crash is then known at once). */
  readonly processGone: boolean;
}

/**
 * Whether a holder's reservations have ended with it: its agent is unknown or deregistered, or
 * (for a reservation made by an agent session) that session ended, was taken over, crashed, or
 * its heartbeat is older than the stale threshold. Reservations made by a CLI command end only
 * with their TTL, a release or deregistration.
 *
 * @example holderGone({ guid: 'g', handle: 'alice', session: 's1' },
 *   { deregistered: false, session: 's1', lastSeen: 0, processGone: false }, 90_001, 90_000) // true
 */
export function holderGone(
  holder: PathHolder,
  facts: HolderFacts | undefined,
  now: number,
  staleAfterMs: number,
): boolean {
  if (!facts || facts.deregistered) return true;
  if (holder.session === undefined) return false;
  if (facts.session !== holder.session || facts.processGone) return true;
  return !isFresh(facts.lastSeen, now, staleAfterMs);
}

/** Live: not past its expiry, and its holder has not gone (`gone` holds holder keys). */
export const reservationLive = (r: Reservation, now: number, gone: ReadonlySet<string>): boolean =>
  r.expiresAt > now && !gone.has(holderKey(r.holder));

/**
 * The conflict rule: two reservations conflict when some path is covered by both and at least
 * one of them is exclusive. Shared ones coexist; an exclusive one excludes shared ones too (a
 * shared reservation says "I rely on these staying as they are").
 */
export const reservationsConflict = (
  a: Pick<Reservation, 'pattern' | 'exclusive'>,
  b: Pick<Reservation, 'pattern' | 'exclusive'>,
): boolean => (a.exclusive || b.exclusive) && patternsOverlap(a.pattern, b.pattern);

/** A requested pattern and the live reservations of others that keep it from being granted. */
export interface PathRefusal {
  readonly pattern: string;
  readonly blockers: readonly Reservation[];
}

/**
 * For each of `patterns` that `guid` may not reserve now, what blocks it: live reservations of
 * other holders that conflict with it. A holder never conflicts with itself.
 */
export function refusalsOf(
  book: ReservationBook,
  request: { readonly guid: string; readonly patterns: readonly string[]; readonly exclusive: boolean },
  now: number,
  gone: ReadonlySet<string>,
): PathRefusal[] {
  const others = book.reservations.filter((r) => r.holder.guid !== request.guid && reservationLive(r, now, gone));
  return request.patterns.flatMap((pattern) => {
    const blockers = others.filter((r) => reservationsConflict(r, { pattern, exclusive: request.exclusive }));
    return blockers.length ? [{ pattern, blockers }] : [];
  });
}

/** Whether the book holds two conflicting reservations of different holders, which no decision makes. */
export const holdsConflict = (reservations: readonly Reservation[]): boolean =>
  reservations.some((a, i) =>
    reservations.some((b, j) => j > i && a.holder.guid !== b.holder.guid && reservationsConflict(a, b)),
  );
