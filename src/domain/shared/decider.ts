/** The three functions that make an aggregate (decide, evolve, initialState), and the rule replay obeys. */
export interface Decider<C, S, E> {
  decide(command: C, state: S): E[];
  evolve(state: S, event: E): S;
  initialState(): S;
  /**
   * Why a stored `event` cannot follow `state` — `decide` never emits it there — or undefined when
   * it can. Stored history is untrusted: replay skips such an event instead of evolving into a state
   * no command could reach (a second WorkOffered resurrecting a completed item, say).
   */
  rejects(state: S, event: E): string | undefined;
}

/**
 * Folds stored events, skipping (and handing to `onRejected`) each one the decider rejects.
 * The one place replay applies `rejects`; freshly decided events are evolved directly.
 *
 * @example
 *   replay(workItemDecider, stored, (event, reason) => quarantine.reject(...))
 */
export function replay<C, S, E>(
  decider: Decider<C, S, E>,
  events: readonly E[],
  onRejected: (event: E, reason: string) => void,
  from: S = decider.initialState(),
): S {
  let state = from;
  for (const event of events) {
    const reason = decider.rejects(state, event);
    if (reason === undefined) state = decider.evolve(state, event);
    else onRejected(event, reason);
  }
  return state;
}
