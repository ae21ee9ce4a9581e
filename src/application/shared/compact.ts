import type { Decider } from '../../domain/index.js';
import { RevisionConflict, type StreamId } from '../../ports/index.js';
import type { Known, Outcome, Store } from './execute.js';

/**
 * Decides `command` (a compaction) on `known` and stores what it emits as the stream's only
 * history. Undefined when there is nothing to compact or the stream moved on meanwhile: a
 * compaction that loses a race is simply tried again next time.
 */
export async function compactStream<C, S, E>(
  store: Store,
  stream: StreamId,
  decider: Decider<C, S, E>,
  command: C,
  known: Known<S>,
  /** The revisions of every batch of the stream, when the caller saw them all (see `EventStore.compact`). */
  replaced?: readonly number[],
): Promise<Outcome<S, E> | undefined> {
  const events = decider.decide(command, known.state);
  if (events.length === 0) return undefined;
  try {
    const revision = await store.events.compact(stream, events, known.revision, replaced);
    return { state: events.reduce(decider.evolve, known.state), revision, events };
  } catch (error) {
    if (error instanceof RevisionConflict) return undefined;
    throw error;
  }
}
