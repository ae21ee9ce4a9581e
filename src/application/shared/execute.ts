import { Conflict, DomainError, type Decider } from '../../domain/index.js';
import { RevisionConflict, type EventStore, type Quarantine, type StreamId } from '../../ports/index.js';
import type { Projection } from './projection.js';
import { replayStored } from './replay-stored.js';

export interface Known<S> {
  readonly state: S;
  readonly revision: number;
}

export interface Outcome<S, E> extends Known<S> {
  readonly events: readonly E[];
  /** Sent without waiting for the store (ADR 0026): `revision` is the one it was decided on. */
  readonly deferred?: true;
}

/**
 * How a caller that keeps a read model takes part: what a reload of the aggregate finds, and a
 * deferred append (see `EventStore.appendDeferred`).
 */
export interface Deferring<S, E> {
  /** The stored state a reload found: the model's copy was behind (or missed a change) and takes this one. */
  readonly loaded?: (stored: Known<S>) => void;
  /** Whether these events may be deferred: only a request's last append is (it goes out with the answer at once). */
  readonly mayDefer?: (events: readonly E[]) => boolean;
  /** Runs as soon as the append is deferred, before anything else can decide on the aggregate. */
  readonly held: () => void;
  /** Where its outcome goes once known: what was stored, or undefined if it was not. */
  readonly settled: (outcome: Outcome<S, E> | undefined) => void;
}

/** The store and where replay reports what it skips. */
export interface Store {
  readonly events: EventStore;
  readonly quarantine: Quarantine;
}

const MAX_TRIES = 8;

/** The aggregate's state from its stored history (events the decider rejects are skipped) and the revision to append at. */
export async function load<C, S, E>(store: Store, stream: StreamId, decider: Decider<C, S, E>): Promise<Known<S>> {
  const { events, revision } = await store.events.read<E>(stream);
  return { state: replayStored(decider, store.quarantine, stream, events), revision };
}

/**
 * Load, decide, append; on a revision conflict reload and decide again.
 * `known` (e.g. from a projection) saves the first read when it is current; a rejection
 * decided on it is confirmed against the store first, since a projection may lag behind.
 */
export async function execute<C, S, E>(
  store: Store,
  stream: StreamId,
  decider: Decider<C, S, E>,
  command: C,
  known?: Known<S>,
  /** Given, the append may be deferred (see `EventStore.appendDeferred`). */
  deferring?: Deferring<S, E>,
): Promise<Outcome<S, E>> {
  let current = known ?? (await load(store, stream, decider));
  let fresh = known === undefined;
  for (let attempt = 1; ; attempt++) {
    let events: readonly E[];
    try {
      events = decider.decide(command, current.state);
    } catch (error) {
      if (fresh || !(error instanceof DomainError)) throw error;
      current = await load(store, stream, decider);
      deferring?.loaded?.(current);
      fresh = true;
      continue;
    }
    if (events.length === 0) return { ...current, events };
    const state = events.reduce(decider.evolve, current.state);
    const deferred =
      deferring !== undefined &&
      (deferring.mayDefer?.(events) ?? true) &&
      store.events.appendDeferred?.(stream, events, current.revision, (revision) =>
        deferring.settled(revision === undefined ? undefined : { state, revision, events }),
      );
    if (deferred) {
      deferring.held();
      return { state, revision: current.revision, events, deferred };
    }
    try {
      const revision = await store.events.append(stream, events, current.revision);
      return { state, revision, events };
    } catch (error) {
      if (!(error instanceof RevisionConflict) || attempt >= MAX_TRIES) {
        if (error instanceof RevisionConflict)
          throw new Conflict('Too many concurrent changes to the same item; try again.');
        throw error;
      }
      current = await load(store, stream, decider);
      deferring?.loaded?.(current);
      fresh = true;
    }
  }
}

/**
 * `execute` for an aggregate kept in a read model: decides on the model's copy first (saving a
 * read) and feeds the model the outcome, so the writer's own change is visible at once.
 */
export async function executeOn<C, S, E>(
  store: Store,
  model: Projection<C, S, E>,
  stream: StreamId,
  command: C,
  /** Whether these events may be deferred (by default any may). */
  mayDefer?: (events: readonly E[]) => boolean,
): Promise<Outcome<S, E>> {
  // One with an append in flight is decided on once that settles (the store bounds how long): its
  // outcome is not in the model yet, so deciding now would be on a stale state and read the store.
  while (model.isHeld(stream.id)) await model.changed();
  // An aggregate the model does not hold is taken as new (a new offer, say): the append at revision 0
  // confirms it, and a stream that exists after all (compacted and forgotten) conflicts and is read.
  const known = model.get(stream.id) ?? { state: model.decider.initialState(), revision: 0 };
  // What the store holds, read because the model's copy did not do, repairs the model (no events:
  // observers learn of a change, not of history to act on again).
  const repair = (stored: Known<S>): void =>
    model.apply({ stream, revision: stored.revision, events: [] }, stored.state);
  // A deferred append reaches the model once stored; until then the aggregate is held (claims pass it by).
  let heldAt = 0;
  const outcome = await execute(store, stream, model.decider, command, known, {
    ...(mayDefer ? { mayDefer } : {}),
    loaded: repair,
    held: () => {
      heldAt = model.get(stream.id)?.revision ?? 0;
      model.hold(stream.id);
    },
    settled: (stored) => {
      model.release(stream.id);
      if (stored) return model.apply({ stream, revision: stored.revision, events: stored.events }, stored.state);
      // Not seen stored: refused (the change that beat it is applied right after this settles), or
      // unseen (a feed that skipped it, a lost ack). If nothing reached the model meanwhile, it reads
      // the aggregate back rather than keep a copy that may lack a stored change (ADR 0029). Best
      // effort: should the read fail, the next command on the aggregate reads it again.
      void Promise.resolve()
        .then(async () => {
          if ((model.get(stream.id)?.revision ?? 0) === heldAt) repair(await load(store, stream, model.decider));
        })
        .catch(() => undefined);
    },
  });
  if (!outcome.deferred) model.apply({ stream, revision: outcome.revision, events: outcome.events }, outcome.state);
  return outcome;
}
