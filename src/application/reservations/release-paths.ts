import { reservationBookDecider } from '../../domain/index.js';
import type { AppDeps } from '../shared/deps.js';
import { execute } from '../shared/execute.js';
import { requireGuid } from '../shared/require.js';
import { bookStream, keepBookShort, loadBook, projectPatterns } from './reservation-book.js';

/** Releases this agent's reservations of the given patterns (as reserved), or all of them; releasing what it does not hold changes nothing. */
export async function releasePaths(
  deps: AppDeps,
  input: { readonly paths?: readonly string[] },
): Promise<{ released: string[] }> {
  const guid = requireGuid(deps.session, 'release paths');
  const patterns = input.paths === undefined ? undefined : projectPatterns(deps.session, 'paths', input.paths);
  const loaded = await loadBook(deps);
  const outcome = await execute(
    deps,
    bookStream(deps.session.namespace),
    reservationBookDecider,
    { type: 'ReleasePaths', guid, ...(patterns ? { patterns } : {}), now: deps.clock.now() },
    loaded,
  );
  await keepBookShort(deps, loaded, outcome);
  return {
    released: outcome.events.flatMap((e) => (e.type === 'ReservationsEnded' ? e.ended.map((r) => r.pattern) : [])),
  };
}

/** Ends everything the agent `guid` holds (it deregistered). */
export async function endReservationsOf(deps: AppDeps, guid: string): Promise<void> {
  const loaded = await loadBook(deps);
  const outcome = await execute(
    deps,
    bookStream(deps.session.namespace),
    reservationBookDecider,
    { type: 'EndHolder', guid, now: deps.clock.now() },
    loaded,
  );
  await keepBookShort(deps, loaded, outcome);
}
