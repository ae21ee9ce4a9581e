import { JetStreamApiError } from '@nats-io/jetstream';
import { RequestError, TimeoutError } from '@nats-io/transport-node';
import { setTimeout as sleep } from 'node:timers/promises';

const SERVICE_UNAVAILABLE = 503;

/**
 * JetStream said "not now" rather than "no": a request timed out, nobody answered yet
 * (a server restarting, a stream leader being elected), or the API was overloaded.
 */
export function isTransient(error: unknown): boolean {
  return (
    error instanceof TimeoutError ||
    isNoResponders(error) ||
    // The JetStream client reports "no responders" as JetStream not enabled, with the cause attached.
    (error instanceof Error && isNoResponders(error.cause)) ||
    (error instanceof JetStreamApiError && error.status === SERVICE_UNAVAILABLE)
  );
}

const isNoResponders = (error: unknown): boolean => error instanceof RequestError && error.isNoResponders();

export interface RetryPolicy {
  /** No new attempt starts after this long, so a call still fails within seconds. */
  readonly budgetMs: number;
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
}

export const BOUNDED_RETRY: RetryPolicy = { budgetMs: 4_000, firstDelayMs: 50, maxDelayMs: 1_000 };

/**
 * For a publish without a message id: only failures that prove nothing was stored are
 * retried ("no responders"); a timeout may hide a stored message, so it is reported.
 */
export function retryUndelivered<T>(op: () => Promise<T>, policy: RetryPolicy = BOUNDED_RETRY): Promise<T> {
  return retryTransient(op, policy, (error) => !(error instanceof TimeoutError) && isTransient(error));
}

/**
 * Runs `op` again after a transient failure, with exponential backoff and jitter, within
 * the budget; any other failure, or the last transient one, is thrown as it is. Only for
 * operations that are safe to repeat: reads, and publishes that carry a message id.
 */
export async function retryTransient<T>(op: () => Promise<T>, policy: RetryPolicy = BOUNDED_RETRY, retryable: (error: unknown) => boolean = isTransient): Promise<T> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await op();
    } catch (error) {
      const delay = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** attempt) * (0.5 + Math.random() / 2);
      if (!retryable(error) || Date.now() - started + delay > policy.budgetMs) throw error;
      await sleep(delay);
    }
  }
}
