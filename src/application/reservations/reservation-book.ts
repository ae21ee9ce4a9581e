import {
  holderGone,
  holderKey,
  lastSeen,
  reservationBookDecider,
  toProjectPattern,
  ValidationError,
  type Reservation,
  type ReservationBook,
  type ReservationEvent,
} from '../../domain/index.js';
import type { StreamId } from '../../ports/index.js';
import { sightingOf } from '../identity/handle-holders.js';
import { compactStream } from '../shared/compact.js';
import type { AppDeps } from '../shared/deps.js';
import type { Known, Outcome } from '../shared/execute.js';
import { replayStored } from '../shared/replay-stored.js';
import type { Session } from '../shared/session.js';

/** A project's reservations are one aggregate: one stream, so that a grant is decided on all of them at once. */
export const bookStream = (namespace: string): StreamId => ({ namespace, kind: 'reservation', id: 'book' });

/** Past this many stored events the book's history is replaced by one snapshot of it. */
const COMPACT_AFTER_EVENTS = 64;

/** The book as stored, and how many events its history holds. */
export interface LoadedBook extends Known<ReservationBook> {
  readonly stored: number;
}

export async function loadBook(deps: AppDeps): Promise<LoadedBook> {
  const stream = bookStream(deps.session.namespace);
  const { events, revision } = await deps.events.read<ReservationEvent>(stream);
  return {
    state: replayStored(reservationBookDecider, deps.quarantine, stream, events),
    revision,
    stored: events.length,
  };
}

/** Keeps the book's history short: every read of it (each grant, each listing) reads it whole. */
export async function keepBookShort(
  deps: AppDeps,
  loaded: LoadedBook,
  outcome: Outcome<ReservationBook, ReservationEvent>,
): Promise<void> {
  if (loaded.stored + outcome.events.length <= COMPACT_AFTER_EVENTS) return;
  const command = { type: 'CompactBook' as const, now: deps.clock.now() };
  await compactStream(deps, bookStream(deps.session.namespace), reservationBookDecider, command, outcome);
}

/**
 * The holders of `reservations` that have gone (their keys), from the registry: deregistered,
 * their session ended, taken over or crashed (its process seen dead on this host), or stale.
 */
export async function goneHolders(deps: AppDeps, reservations: readonly Reservation[], now: number): Promise<string[]> {
  const guids = [...new Set(reservations.map((r) => r.holder.guid))];
  const entries = new Map(await Promise.all(guids.map(async (g) => [g, await deps.registry.get(g)] as const)));
  const gone = new Set<string>();
  for (const { holder } of reservations) {
    const entry = entries.get(holder.guid);
    const sighting = entry ? sightingOf(deps, entry.profile.hostname, entry.holder) : undefined;
    const facts = entry && {
      deregistered: entry.deregistered,
      ...(entry.holder ? { session: entry.holder.session } : {}),
      lastSeen: lastSeen(entry),
      processGone: sighting !== undefined && !sighting.alive,
    };
    if (holderGone(holder, facts, now, deps.settings.staleAfterMs)) gone.add(holderKey(holder));
  }
  return [...gone];
}

/** Paths as patterns relative to the session's project root (absolute ones inside it are accepted). */
export function projectPatterns(session: Session, field: string, paths: readonly string[]): string[] {
  if (!Array.isArray(paths)) throw new ValidationError(field, 'must be a list of paths or globs, e.g. ["src/app/**"]');
  return paths.map((p, i) => toProjectPattern(`${field}[${i}]`, p, session.projectRoot));
}

/**
 * What leaves a session for the hub: its paths already relative to the project root, which only
 * the session knows. Input that is not what it should be goes as it is, for the hub to refuse.
 */
export function inProject<T extends { readonly paths?: readonly string[]; readonly path?: string }>(
  session: Session,
  input: T,
): T {
  const paths = Array.isArray(input.paths) ? { paths: projectPatterns(session, 'paths', input.paths) } : {};
  const path =
    typeof input.path === 'string' ? { path: toProjectPattern('path', input.path, session.projectRoot) } : {};
  return { ...input, ...paths, ...path };
}

/** A reservation as the tools, the CLI, the hooks and the dashboard show it. */
export interface ReservationView {
  readonly pattern: string;
  readonly exclusive: boolean;
  readonly holder: { readonly handle: string; readonly guid: string };
  readonly reason?: string;
  readonly since: string;
  readonly expiresAt: string;
}

export const reservationView = (r: Reservation): ReservationView => ({
  pattern: r.pattern,
  exclusive: r.exclusive,
  holder: { handle: r.holder.handle, guid: r.holder.guid },
  ...(r.reason !== undefined ? { reason: r.reason } : {}),
  since: new Date(r.since).toISOString(),
  expiresAt: new Date(r.expiresAt).toISOString(),
});
