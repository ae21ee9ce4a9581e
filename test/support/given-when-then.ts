import { expect } from 'vitest';
import type { Decider } from '../../src/domain/index.js';

type ErrorClass = new (...args: any[]) => Error;

export interface Then<E> {
  /** The command is accepted and emits exactly these events (`[]`: accepted, nothing changes). */
  then(expected: readonly E[]): void;
  /** The command is rejected with this error class (and, optionally, a message matching `message`). */
  thenThrows(error: ErrorClass | RegExp, message?: RegExp): void;
}

export interface When<C, E> {
  when(command: C): Then<E>;
}

/** The state an aggregate reaches after `events`, starting from `initialState()`. */
export const fold = <C, S, E>(decider: Decider<C, S, E>, events: readonly E[]): S =>
  events.reduce(decider.evolve, decider.initialState());

/**
 * Emmett-style specifications for a decider.
 *
 * @example
 *   spec(workItemDecider).given([offered]).when(claim).then([claimed]);
 *   spec(workItemDecider).given([]).when(claim).thenThrows(NotFound);
 */
export function spec<C, S, E>(decider: Decider<C, S, E>): When<C, E> & { given(events: readonly E[]): When<C, E> } {
  const given = (events: readonly E[]): When<C, E> => ({
    when(command: C): Then<E> {
      const run = (): E[] => decider.decide(command, fold(decider, events));
      return {
        then(expected: readonly E[]): void {
          expect(run()).toEqual(expected);
        },
        thenThrows(error: ErrorClass | RegExp, message?: RegExp): void {
          expect(run).toThrow(error);
          if (message) expect(run).toThrow(message);
        },
      };
    },
  });
  return { given, when: (command: C) => given([]).when(command) };
}
