import { RESERVATION_TTL_S, refusalsOf, reservationBookDecider } from '../../domain/index.js';
import type { AppDeps } from '../shared/deps.js';
import { execute } from '../shared/execute.js';
import { requireGuid, requireHandle } from '../shared/require.js';
import {
  bookStream,
  goneHolders,
  keepBookShort,
  loadBook,
  projectPatterns,
  reservationView,
  type ReservationView,
} from './reservation-book.js';

export interface ReservePathsInput {
  /** Globs relative to the project root; absolute paths inside it are made relative. */
  readonly paths: readonly string[];
  readonly ttlSeconds?: number;
  /** Default true. */
  readonly exclusive?: boolean;
  readonly reason?: string;
}

export interface ReservePathsResult {
  /** What this call reserved or renewed. */
  readonly granted: ReservationView[];
  /** Each pattern not granted and the live reservations of others that conflict with it. */
  readonly refused: Array<{ readonly pattern: string; readonly heldBy: ReservationView[] }>;
}

/**
 * Reserves the paths for this agent, or renews its own: all that is free is granted, and for the
 * rest the conflicting holders are named. Decided on the whole book at its revision, so two agents
 * racing for one path never both win.
 */
export async function reservePaths(deps: AppDeps, input: ReservePathsInput): Promise<ReservePathsResult> {
  const { session } = deps;
  const guid = requireGuid(session, 'reserve paths');
  const handle = requireHandle(session);
  const patterns = [...new Set(projectPatterns(session, 'paths', input.paths))];
  const exclusive = input.exclusive ?? true;
  const now = deps.clock.now();
  const loaded = await loadBook(deps);
  const gone = await goneHolders(deps, loaded.state.reservations, now);
  const holder = { guid, handle, ...(session.holder.command ? {} : { session: session.holder.session }) };
  const outcome = await execute(
    deps,
    bookStream(session.namespace),
    reservationBookDecider,
    {
      type: 'ReservePaths',
      holder,
      patterns,
      exclusive,
      ...(input.reason !== undefined ? { reason: input.reason } : {}),
      ttlSeconds: input.ttlSeconds ?? RESERVATION_TTL_S.default,
      gone,
      now,
    },
    loaded,
  );
  await keepBookShort(deps, loaded, outcome);
  // What blocked a pattern before the decision blocks it after (a grant touches only the holder's own).
  const refusals = refusalsOf(outcome.state, { guid, patterns, exclusive }, now, new Set(gone));
  const refused = new Set(refusals.map((r) => r.pattern));
  return {
    granted: outcome.state.reservations
      .filter((r) => r.holder.guid === guid && patterns.includes(r.pattern) && !refused.has(r.pattern))
      .map(reservationView),
    refused: refusals.map((r) => ({ pattern: r.pattern, heldBy: r.blockers.map(reservationView) })),
  };
}
