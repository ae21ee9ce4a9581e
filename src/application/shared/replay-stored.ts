import { replay, type Decider } from '../../domain/index.js';
import type { Quarantine, StreamId } from '../../ports/index.js';

export interface ReplayOptions<S, E> {
  /** The state the events follow (default: the initial state). */
  readonly from?: S | undefined;
  /** The revision the events were stored at, when known (for the report). */
  readonly sequence?: number;
  /** Collects the events that were skipped. */
  readonly skipped?: Set<E>;
}

/**
 * Folds events read back from the store, reporting each one the decider rejects as skipped.
 * The digest makes an event count once whether a load or a projection replays it.
 */
export function replayStored<C, S, E>(
  decider: Decider<C, S, E>,
  quarantine: Quarantine,
  stream: StreamId,
  events: readonly E[],
  options: ReplayOptions<S, E> = {},
): S {
  return replay(
    decider,
    events,
    (event, reason) => {
      options.skipped?.add(event);
      quarantine.reject({
        source: 'replay',
        subject: `${stream.namespace}.${stream.kind}.${stream.id}`,
        ...(options.sequence !== undefined ? { sequence: options.sequence } : {}),
        digest: JSON.stringify(event),
        reason,
      });
    },
    options.from ?? decider.initialState(),
  );
}
