import { AsyncLocalStorage } from 'node:async_hooks';
import { JetStreamApiError } from '@nats-io/jetstream';
import { RequestError, TimeoutError } from '@nats-io/transport-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { BackendUnavailable } from '../../ports/index.js';
import { isRefusal, sharedRefusal } from './nats-refusals.js';

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
    // A full stream says 503 too, but only freeing space makes room.
    (error instanceof JetStreamApiError && error.status === SERVICE_UNAVAILABLE && !isRefusal(error))
  );
}

const isNoResponders = (error: unknown): boolean => error instanceof RequestError && error.isNoResponders();

/** Time as retries measure it; tests pass a virtual one. */
export interface RetryClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const REAL_TIME: RetryClock = { now: () => Date.now(), sleep: (ms) => sleep(ms) };

export interface RetryPolicy {
  /**
   * No new attempt starts after this long, so a call still fails within seconds. One budget
   * bounds the outermost call: retries nested in it, or run one after another inside it, share it.
   */
  readonly budgetMs: number;
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  /**
   * Awaited before each attempt: resolves once the connection is up, or rejects (with what to
   * do) when it is not up by `deadline` (epoch ms; see reconnectWaitMs).
   */
  readonly connected?: (deadline: number) => Promise<void>;
  /** How long after the first attempt `connected` may wait (default: the whole budget). */
  readonly reconnectWaitMs?: number;
  readonly clock?: RetryClock;
}

/**
 * Long enough for another attempt after a request timeout (5 s): a replicated stream electing
 * a leader (a cluster node died, or the stream was just created, maybe by two agents at once)
 * leaves requests unanswered rather than refused, for 4-8 s on nats-server 2.9. A dropped
 * connection is waited for only `reconnectWaitMs`, so a call made while NATS is down still
 * fails within seconds.
 */
export const BOUNDED_RETRY: RetryPolicy = {
  budgetMs: 12_000,
  firstDelayMs: 50,
  maxDelayMs: 1_000,
  reconnectWaitMs: 4_000,
};

/** A transient failure after which nothing can have been stored (a timeout may hide a write). */
export const provablyUndelivered = (error: unknown): boolean => !(error instanceof TimeoutError) && isTransient(error);

/**
 * For a publish without a message id: only failures that prove nothing was stored are
 * retried ("no responders"); a timeout may hide a stored message, so it is reported.
 */
export async function retryUndelivered<T>(op: () => Promise<T>, policy: RetryPolicy = BOUNDED_RETRY): Promise<T> {
  try {
    return await retryTransient(op, policy, provablyUndelivered);
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    throw new BackendUnavailable(
      'NATS did not confirm the send in time, so it may or may not be stored. Check (read the channel or ask the recipient) ' +
        'before sending again, or send with an idempotencyKey, which makes resending safe.',
      { cause: error },
    );
  }
}

interface Budget {
  /** No attempt starts after this (epoch ms). */
  readonly deadline: number;
  /** A dropped connection is waited for until then. */
  readonly reconnectBy: number;
  /** Cleared when the call that started it returns, so a task it left running is not bound by it. */
  running: boolean;
}

const budgets = new AsyncLocalStorage<Budget>();

function onBudget<T>(policy: RetryPolicy, op: (budget: Budget) => Promise<T>): Promise<T> {
  const outer = budgets.getStore();
  if (outer?.running) return op(outer);
  const started = (policy.clock ?? REAL_TIME).now();
  const budget: Budget = {
    deadline: started + policy.budgetMs,
    reconnectBy: started + Math.min(policy.budgetMs, policy.reconnectWaitMs ?? policy.budgetMs),
    running: true,
  };
  return budgets.run(budget, async () => {
    try {
      return await op(budget);
    } finally {
      budget.running = false;
    }
  });
}

/**
 * Runs `op` on the retry budget of the call already running, or on a new one: for an
 * operation made of several requests, so that all of them together fail within one budget.
 */
export const withinBudget = <T>(policy: RetryPolicy, op: () => Promise<T>): Promise<T> => onBudget(policy, op);

/**
 * Runs `op` again after a transient failure, with exponential backoff and jitter, until the
 * budget is spent; any other failure, or the last transient one, is thrown as it is (a limit shared by
 * all projects as the QuotaExceeded that names it). Inside
 * another retry (or `withinBudget`) it shares that budget and never waits past its end. Only
 * for operations that are safe to repeat: reads, and publishes that carry a message id.
 */
export function retryTransient<T>(
  op: () => Promise<T>,
  policy: RetryPolicy = BOUNDED_RETRY,
  retryable: (error: unknown) => boolean = isTransient,
): Promise<T> {
  const clock = policy.clock ?? REAL_TIME;
  return onBudget(policy, async (budget) => {
    for (let attempt = 0; ; attempt++) {
      await policy.connected?.(budget.reconnectBy);
      try {
        return await op();
      } catch (error) {
        const delay = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** attempt) * (0.5 + Math.random() / 2);
        if (!retryable(error)) throw sharedRefusal(error) ?? error;
        if (clock.now() + delay > budget.deadline) throw giveUp(error);
        await clock.sleep(delay);
      }
    }
  });
}

/** The last transient failure, said as what the caller can do about it. */
function giveUp(error: unknown): unknown {
  if (!isTransient(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new BackendUnavailable(
    `NATS did not answer (${reason}); it may be restarting, unreachable or overloaded. Try again shortly.`,
    { cause: error },
  );
}
