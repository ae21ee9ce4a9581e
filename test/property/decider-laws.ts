import { expect } from 'vitest';
import { DomainError, type Decider } from '../../src/domain/index.js';

/** A command without its time: generators draw these and `now` is filled in as time moves forward. */
export type Untimed<T> = T extends unknown ? Omit<T, 'now'> : never;

export type Step<C, S, E> =
  | {
      readonly command: C;
      readonly before: S;
      readonly accepted: true;
      readonly events: readonly E[];
      readonly after: S;
      readonly log: readonly E[];
    }
  | {
      readonly command: C;
      readonly before: S;
      readonly accepted: false;
      readonly error: DomainError;
      readonly log: readonly E[];
    };

const replay = <C, S, E>(decider: Decider<C, S, E>, events: readonly E[]): S =>
  events.reduce(decider.evolve, decider.initialState());

/**
 * Applies `commands` through decide/evolve the way a command handler does (a rejected
 * command is skipped) and checks, after every step, the laws every decider obeys:
 * decide never mutates the state; a rejection is a DomainError and emits nothing;
 * replaying the events collected so far from `initialState()` is deterministic and
 * gives the incrementally evolved state; replay's rule (`rejects`) accepts every event
 * decide emits, so no honest history loses an event. `check` adds the aggregate's own invariants.
 */
export function playAndCheck<C, S, E>(
  decider: Decider<C, S, E>,
  commands: readonly C[],
  check: (step: Step<C, S, E>) => void,
): S {
  let state = decider.initialState();
  const log: E[] = [];
  for (const command of commands) {
    const before = state;
    const snapshot = structuredClone(before);
    let events: E[];
    try {
      events = decider.decide(command, before);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      expect(before, 'a rejected command leaves the state as it was').toEqual(snapshot);
      check({ command, before, accepted: false, error, log });
      continue;
    }
    expect(before, 'decide does not mutate the state').toEqual(snapshot);
    for (const event of events) {
      expect(decider.rejects(state, event), `replay accepts ${JSON.stringify(event)}`).toBeUndefined();
      state = decider.evolve(state, event);
    }
    log.push(...events);
    const replayed = replay(decider, log);
    expect(replayed, 'replaying every event gives the evolved state').toEqual(state);
    expect(replay(decider, log), 'replay is deterministic').toEqual(replayed);
    check({ command, before, accepted: true, events, after: state, log });
  }
  return state;
}

/** Gives each untimed command the time reached after waiting `dt`; time never goes back. */
export function timed<C>(steps: ReadonlyArray<{ readonly dt: number; readonly command: Untimed<C> }>, start = 0): C[] {
  let now = start;
  return steps.map(({ dt, command }) => {
    now += dt;
    return { ...command, now } as C;
  });
}

/**
 * The law of a compaction: its events alone — all a compacted stream keeps — replay (accepted
 * from the initial state) to the very state it was taken of, and it changes nothing.
 */
export function checkCompaction<C, S, E>(decider: Decider<C, S, E>, before: S, events: readonly E[], after: S): void {
  expect(after, 'a compaction changes nothing').toEqual(before);
  if (events.length === 0) return;
  let state = decider.initialState();
  for (const event of events) {
    expect(decider.rejects(state, event), 'a snapshot opens a compacted stream').toBeUndefined();
    state = decider.evolve(state, event);
  }
  expect(state, 'the snapshot alone replays to the state').toEqual(before);
}
