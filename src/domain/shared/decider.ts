/** The three functions that make an aggregate (decide, evolve, initialState). */
export interface Decider<C, S, E> {
  decide(command: C, state: S): E[];
  evolve(state: S, event: E): S;
  initialState(): S;
}
