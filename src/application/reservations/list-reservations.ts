import { patternsOverlap, reservationLive, toProjectPattern } from '../../domain/index.js';
import type { AppDeps } from '../shared/deps.js';
import { goneHolders, loadBook, reservationView, type ReservationView } from './reservation-book.js';

/**
 * The project's live reservations, or those covering some path in common with `path`: what has
 * expired or whose holder has gone is left out at once, whether or not the book has ended it yet.
 */
export async function listReservations(
  deps: AppDeps,
  input: { readonly path?: string },
): Promise<{ reservations: ReservationView[]; count: number }> {
  const path = input.path === undefined ? undefined : toProjectPattern('path', input.path, deps.session.projectRoot);
  const now = deps.clock.now();
  const { state } = await loadBook(deps);
  const gone = new Set(await goneHolders(deps, state.reservations, now));
  const reservations = state.reservations
    .filter((r) => reservationLive(r, now, gone) && (path === undefined || patternsOverlap(r.pattern, path)))
    .sort((a, b) => a.pattern.localeCompare(b.pattern) || a.holder.handle.localeCompare(b.holder.handle))
    .map(reservationView);
  return { reservations, count: reservations.length };
}
