import type { BackendPorts } from '../../src/application/index.js';
import type { CheckpointStore, Clock } from '../../src/ports/index.js';

export interface PortsFixture {
  /** The backend under test (valid after the suite's beforeAll). */
  ports(): BackendPorts & { readonly checkpoints: CheckpointStore };
  /** The clock the backend's sessions run on. */
  readonly clock: Clock;
  /** Lets time pass as the backend sees it: virtual on memory, real on NATS (leases are time itself). */
  advance(ms: number): Promise<void>;
  /** Lets backend time pass until `work` settles (a claim that waits out its timeout, say). */
  settle<T>(work: Promise<T>): Promise<T>;
}

let counter = 0;
/** A namespace no other test uses, so tests on one shared backend stay independent. */
export const freshNamespace = (): string => `c${process.pid}x${++counter}`;

/** Resolves once `predicate` holds for what `collect` has gathered; the notice arrives asynchronously. */
export async function eventually<T>(
  items: T[],
  predicate: (items: T[]) => boolean,
  wake: { next: () => Promise<void> },
): Promise<void> {
  while (!predicate(items)) await wake.next();
}

/** A wake-up signal that callbacks fire and tests await. */
export class Signal {
  private waiters: Array<() => void> = [];
  fire(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
  next(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
