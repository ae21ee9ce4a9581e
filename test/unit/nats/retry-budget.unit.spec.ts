import { TimeoutError } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { retryTransient, withinBudget, type RetryClock } from '../../../src/adapters/nats/transient.js';
import { BackendUnavailable } from '../../../src/ports/index.js';

/** Sleeping moves time on at once; a request "takes" time by moving it on too. */
class VirtualTime implements RetryClock {
  private t = 0;
  now = (): number => this.t;
  sleep = async (ms: number): Promise<void> => void (this.t += ms);
  pass(ms: number): void {
    this.t += ms;
  }
}

const BUDGET_MS = 12_000;
/** What one request costs before it times out. */
const REQUEST_MS = 1_000;

const setup = () => {
  const time = new VirtualTime();
  const policy = { budgetMs: BUDGET_MS, firstDelayMs: 50, maxDelayMs: 100, clock: time };
  const timedOut = (): never => {
    time.pass(REQUEST_MS);
    throw new TimeoutError();
  };
  return { time, policy, timedOut };
};

describe('one retry budget per outermost call', () => {
  it('a retry nested in another shares its budget: the whole call gives up within one budget', async () => {
    const { time, policy, timedOut } = setup();
    let innerCalls = 0;
    const outerOp = async (): Promise<never> => {
      let failures = 0;
      // Answers after 9 timeouts (most of a budget), then the outer request times out.
      await retryTransient(async () => {
        innerCalls++;
        if (++failures <= 9) timedOut();
      }, policy);
      return timedOut();
    };
    await expect(retryTransient(outerOp, policy)).rejects.toBeInstanceOf(BackendUnavailable);
    // At most one attempt of the outer call (an inner request and the outer one) runs past the budget.
    expect(time.now()).toBeLessThanOrEqual(BUDGET_MS + 2 * REQUEST_MS);
    expect(innerCalls).toBeLessThanOrEqual(BUDGET_MS / REQUEST_MS);
  });

  it('steps run one after another inside withinBudget share it', async () => {
    const { time, policy, timedOut } = setup();
    let second = 0;
    const operation = withinBudget(policy, async () => {
      await retryTransient(async () => {
        if (time.now() < BUDGET_MS - 1_500) timedOut();
      }, policy);
      await retryTransient(async () => {
        second++;
        timedOut();
      }, policy);
    });
    await expect(operation).rejects.toBeInstanceOf(BackendUnavailable);
    expect(time.now()).toBeLessThanOrEqual(BUDGET_MS + REQUEST_MS);
    expect(second).toBeLessThanOrEqual(2);
  });

  it('a retry in a task the call left running gets a budget of its own', async () => {
    const { time, policy, timedOut } = setup();
    let release = (): void => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let background: Promise<string> | undefined;
    await retryTransient(async () => {
      background = gate.then(() =>
        retryTransient(async () => {
          // Needs longer than what is left of the call's budget.
          if (time.now() < BUDGET_MS + 3_000) timedOut();
          return 'done';
        }, policy),
      );
    }, policy);
    time.pass(BUDGET_MS - 1_000);
    release();
    await expect(background).resolves.toBe('done');
  });
});
