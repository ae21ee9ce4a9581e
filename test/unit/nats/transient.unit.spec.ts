import { NoRespondersError, RequestError, TimeoutError } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import {
  isTransient,
  retryTransient,
  retryUndelivered,
  type RetryPolicy,
} from '../../../src/adapters/nats/transient.js';
import { BackendUnavailable } from '../../../src/ports/index.js';

/** A small budget on a virtual clock: attempts are counted, never timed, however loaded the machine is. */
const fast = (): RetryPolicy => {
  let now = 0;
  return {
    budgetMs: 200,
    firstDelayMs: 1,
    maxDelayMs: 4,
    clock: { now: () => now, sleep: async (ms) => void (now += ms) },
  };
};
const noResponders = (): RequestError =>
  new RequestError('no responders', { cause: new NoRespondersError('$JS.API.INFO') });

describe('transient NATS failures', () => {
  it('are timeouts and "no responders", bare or as the cause; not conflicts or plain errors', () => {
    expect(isTransient(new TimeoutError())).toBe(true);
    expect(isTransient(noResponders())).toBe(true);
    expect(isTransient(new Error('jetstream is not enabled', { cause: noResponders() }))).toBe(true);
    expect(isTransient(new Error('wrong last sequence'))).toBe(false);
    expect(isTransient('nope')).toBe(false);
  });

  it('are retried until the operation succeeds', async () => {
    let calls = 0;
    const result = await retryTransient(async () => {
      if (++calls < 3) throw new TimeoutError();
      return 'stored';
    }, fast());
    expect([result, calls]).toEqual(['stored', 3]);
  });

  it('other failures are thrown at once', async () => {
    let calls = 0;
    const refused = new Error('maximum messages exceeded');
    await expect(
      retryTransient(async () => {
        calls++;
        throw refused;
      }, fast()),
    ).rejects.toBe(refused);
    expect(calls).toBe(1);
  });

  it('give up once the budget is spent, saying the backend is unavailable', async () => {
    let calls = 0;
    const attempt = retryTransient(async () => {
      calls++;
      throw new TimeoutError();
    }, fast());
    await expect(attempt).rejects.toBeInstanceOf(BackendUnavailable);
    await expect(attempt).rejects.toThrow(/NATS did not answer .*Try again shortly/);
    expect(calls).toBeGreaterThan(1);
  });

  it('for a publish without a message id, only "no responders" is retried: a timeout may hide a stored message', async () => {
    let calls = 0;
    await expect(
      retryUndelivered(async () => {
        calls++;
        throw new TimeoutError();
      }, fast()),
    ).rejects.toThrow(/may or may not be stored.*idempotencyKey/);
    expect(calls).toBe(1);
    const stored = await retryUndelivered(async () => {
      if (++calls < 4) throw noResponders();
      return 'stored';
    }, fast());
    expect([stored, calls]).toEqual(['stored', 4]);
  });
});
