import { Conflict, UnknownCommand, ValidationError } from '../shared/domain-error.js';
import type { Decider } from '../shared/decider.js';
import {
  checkInRange,
  MAX_PATTERNS_PER_CALL,
  MAX_PROJECT_RESERVATIONS,
  MAX_RESERVATION_REASON_CHARS,
  RESERVATION_TTL_S,
} from '../shared/limits.js';
import { toProjectPattern } from './path-pattern.js';
import {
  holderKey,
  holdsConflict,
  refusalsOf,
  reservationLive,
  reservationsConflict,
  type PathHolder,
  type Reservation,
  type ReservationBook,
} from './reservation.rules.js';

export type ReservationCommand =
  | {
      readonly type: 'ReservePaths';
      readonly holder: PathHolder;
      /** Canonical patterns (toProjectPattern); checked again here. */
      readonly patterns: readonly string[];
      readonly exclusive: boolean;
      readonly reason?: string;
      readonly ttlSeconds: number;
      /** Keys (holderKey) of the holders found gone: their reservations no longer count. */
      readonly gone: readonly string[];
      readonly now: number;
    }
  /** The holder's given patterns (exactly as reserved), or all of them when none are given. */
  | {
      readonly type: 'ReleasePaths';
      readonly guid: string;
      readonly patterns?: readonly string[];
      readonly now: number;
    }
  /** The agent deregistered: everything it holds ends. */
  | { readonly type: 'EndHolder'; readonly guid: string; readonly now: number }
  /** Replaces the book's history with one snapshot of it. */
  | { readonly type: 'CompactBook'; readonly now: number };

export type EndReason = 'released' | 'expired' | 'holder-gone' | 'deregistered';

/** What a grant records of each pattern (the holder is the event's). */
export interface Grant {
  readonly pattern: string;
  readonly exclusive: boolean;
  readonly reason?: string;
  readonly expiresAt: number;
}

export type ReservationEvent =
  /** New reservations, or renewals of the holder's own (same pattern). */
  | {
      readonly type: 'PathsReserved';
      readonly v: 1;
      readonly holder: PathHolder;
      readonly reservations: readonly Grant[];
      readonly at: number;
    }
  | {
      readonly type: 'ReservationsEnded';
      readonly v: 1;
      readonly ended: ReadonlyArray<{ readonly guid: string; readonly pattern: string }>;
      readonly why: EndReason;
      readonly at: number;
    }
  /** The whole book: stored alone once its history is compacted. */
  | {
      readonly type: 'BookCompacted';
      readonly v: 1;
      readonly reservations: readonly Reservation[];
      readonly at: number;
    };

export class TooManyReservations extends Conflict {
  constructor(readonly count: number) {
    super(
      `This project would hold ${count} path reservations; the most is ${MAX_PROJECT_RESERVATIONS}. ` +
        'Release some with release_paths, reserve a wider pattern, or wait for some to expire.',
    );
  }
}

export const initialReservationBook = (): ReservationBook => ({ reservations: [] });

function checkPatterns(field: string, patterns: readonly string[]): string[] {
  if (!Array.isArray(patterns) || patterns.length === 0)
    throw new ValidationError(field, 'give at least one path or glob, e.g. ["src/app/**"]');
  if (patterns.length > MAX_PATTERNS_PER_CALL)
    throw new ValidationError(field, `at most ${MAX_PATTERNS_PER_CALL} in one call`);
  return [...new Set(patterns.map((p, i) => toProjectPattern(`${field}[${i}]`, p)))];
}

function checkReason(reason: string | undefined): string | undefined {
  if (reason === undefined) return undefined;
  if (typeof reason !== 'string') throw new ValidationError('reason', 'must be text');
  const text = reason.trim();
  if (text.length > MAX_RESERVATION_REASON_CHARS)
    throw new ValidationError('reason', `is ${text.length} characters; the limit is ${MAX_RESERVATION_REASON_CHARS}`);
  return text || undefined;
}

const ended = (
  reservations: readonly Reservation[],
  why: EndReason,
  at: number,
): Extract<ReservationEvent, { type: 'ReservationsEnded' }>[] =>
  reservations.length
    ? [
        {
          type: 'ReservationsEnded',
          v: 1,
          ended: reservations.map((r) => ({ guid: r.holder.guid, pattern: r.pattern })),
          why,
          at,
        },
      ]
    : [];

function reserve(
  cmd: Extract<ReservationCommand, { type: 'ReservePaths' }>,
  book: ReservationBook,
): ReservationEvent[] {
  const patterns = checkPatterns('paths', cmd.patterns);
  checkInRange('ttlSeconds', cmd.ttlSeconds, RESERVATION_TTL_S, { unit: 'seconds', note: '(24 h)' });
  const reason = checkReason(cmd.reason);
  if (typeof cmd.exclusive !== 'boolean') throw new ValidationError('exclusive', 'must be true or false');
  // The holder asking is live, whatever the facts gathered before said.
  const gone = new Set(cmd.gone.filter((key) => key !== holderKey(cmd.holder)));
  const refused = new Set(
    refusalsOf(book, { guid: cmd.holder.guid, patterns, exclusive: cmd.exclusive }, cmd.now, gone).map(
      (r) => r.pattern,
    ),
  );
  const granted = patterns.filter((p) => !refused.has(p));
  if (granted.length === 0) return [];
  // Whatever no longer counts leaves the book with the grant, so the book never holds a conflict.
  const lapsed = book.reservations.filter((r) => !reservationLive(r, cmd.now, gone));
  const kept = book.reservations.length - lapsed.length;
  const renewed = book.reservations.filter(
    (r) => r.holder.guid === cmd.holder.guid && granted.includes(r.pattern) && reservationLive(r, cmd.now, gone),
  ).length;
  const count = kept - renewed + granted.length;
  if (count > MAX_PROJECT_RESERVATIONS) throw new TooManyReservations(count);
  const expiresAt = cmd.now + cmd.ttlSeconds * 1000;
  return [
    ...ended(
      lapsed.filter((r) => r.expiresAt <= cmd.now),
      'expired',
      cmd.now,
    ),
    ...ended(
      lapsed.filter((r) => r.expiresAt > cmd.now),
      'holder-gone',
      cmd.now,
    ),
    {
      type: 'PathsReserved',
      v: 1,
      holder: cmd.holder,
      reservations: granted.map((pattern) => ({
        pattern,
        exclusive: cmd.exclusive,
        ...(reason !== undefined ? { reason } : {}),
        expiresAt,
      })),
      at: cmd.now,
    },
  ];
}

function release(
  cmd: Extract<ReservationCommand, { type: 'ReleasePaths' }>,
  book: ReservationBook,
): ReservationEvent[] {
  const patterns = cmd.patterns === undefined ? undefined : checkPatterns('paths', cmd.patterns);
  const mine = book.reservations.filter(
    (r) => r.holder.guid === cmd.guid && (patterns === undefined || patterns.includes(r.pattern)),
  );
  return ended(mine, 'released', cmd.now);
}

/**
 * Decides a command on one project's reservation book. What a reservation request cannot have is
 * not an error: the grant holds what was free, and `refusalsOf` (on the book before or after)
 * names what blocked the rest.
 *
 * @example
 *   decideReservation({ type: 'ReservePaths', holder: { guid: 'g1', handle: 'alice', session: 's1' },
 *     patterns: ['src/app/**'], exclusive: true, ttlSeconds: 3600, gone: [], now: 0 }, initialReservationBook())
 *   // → [{ type: 'PathsReserved', v: 1, holder, reservations: [{ pattern: 'src/app/**', exclusive: true, expiresAt: 3_600_000 }], at: 0 }]
 */
export function decideReservation(command: ReservationCommand, book: ReservationBook): ReservationEvent[] {
  switch (command.type) {
    case 'ReservePaths':
      return reserve(command, book);
    case 'ReleasePaths':
      return release(command, book);
    case 'EndHolder':
      return ended(
        book.reservations.filter((r) => r.holder.guid === command.guid),
        'deregistered',
        command.now,
      );
    case 'CompactBook':
      return [{ type: 'BookCompacted', v: 1, reservations: book.reservations, at: command.now }];
    default: {
      const unknown: never = command;
      throw new UnknownCommand(unknown);
    }
  }
}

const sameReservation = (r: Reservation, guid: string, pattern: string): boolean =>
  r.holder.guid === guid && r.pattern === pattern;

export function evolveReservation(book: ReservationBook, event: ReservationEvent): ReservationBook {
  switch (event.type) {
    case 'PathsReserved': {
      const reservations = [...book.reservations];
      for (const grant of event.reservations) {
        const at = reservations.findIndex((r) => sameReservation(r, event.holder.guid, grant.pattern));
        const next: Reservation = {
          pattern: grant.pattern,
          exclusive: grant.exclusive,
          holder: event.holder,
          ...(grant.reason !== undefined ? { reason: grant.reason } : {}),
          since: at >= 0 ? reservations[at]!.since : event.at,
          expiresAt: grant.expiresAt,
        };
        if (at >= 0) reservations[at] = next;
        else reservations.push(next);
      }
      return { reservations };
    }
    case 'ReservationsEnded':
      return {
        reservations: book.reservations.filter((r) => !event.ended.some((e) => sameReservation(r, e.guid, e.pattern))),
      };
    case 'BookCompacted':
      return { reservations: event.reservations };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/**
 * A stored event replay skips (Decider.rejects): one that would leave two conflicting
 * reservations of different holders in the book, which no decision does (a grant first ends
 * whatever no longer counts).
 */
export function rejectsReservationEvent(book: ReservationBook, event: ReservationEvent): string | undefined {
  const conflicting =
    event.type === 'PathsReserved'
      ? event.reservations.some((grant) =>
          book.reservations.some((r) => r.holder.guid !== event.holder.guid && reservationsConflict(r, grant)),
        )
      : event.type === 'BookCompacted' && holdsConflict(event.reservations);
  return conflicting
    ? `${event.type} would leave conflicting reservations of different holders in the book`
    : undefined;
}

export const reservationBookDecider: Decider<ReservationCommand, ReservationBook, ReservationEvent> = {
  decide: decideReservation,
  evolve: evolveReservation,
  initialState: initialReservationBook,
  rejects: rejectsReservationEvent,
};
