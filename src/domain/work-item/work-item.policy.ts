import { checkInRange, type Range } from '../shared/limits.js';
import type { WorkItemState, WorkPolicy } from './work-item.types.js';

const DAY = 86_400_000;

/**
 * What an item's policy may be, and its defaults: the ranges WORKQUEUE_ACK_TIMEOUT,
 * WORKQUEUE_MAX_ATTEMPTS and WORKQUEUE_DLQ_TTL accept. The hub holds every offer to them, since
 * a session's request (an agent's, with credentials) can say anything.
 */
export const WORK_POLICY = {
  leaseMs: { min: 100, max: DAY, default: 300_000 },
  maxAttempts: { min: 1, max: 100, default: 3 },
  dlqTtlMs: { min: 1_000, max: 365 * DAY, default: 7 * DAY },
} as const satisfies Record<keyof WorkPolicy, Range>;

const SETTING: Readonly<Record<keyof WorkPolicy, string>> = {
  leaseMs: 'WORKQUEUE_ACK_TIMEOUT',
  maxAttempts: 'WORKQUEUE_MAX_ATTEMPTS',
  dlqTtlMs: 'WORKQUEUE_DLQ_TTL',
};

/**
 * The policy an offer gives its item: each value the offering session asked for, refused unless
 * within WORK_POLICY; a value it did not send (a session of an older Warp sends none) is the
 * deciding side's, `defaults`.
 *
 * @example checkWorkPolicy({ maxAttempts: 1 }, { leaseMs: 300_000, maxAttempts: 3, dlqTtlMs: 1_000 })
 *   // { leaseMs: 300_000, maxAttempts: 1, dlqTtlMs: 1_000 }
 */
export function checkWorkPolicy(asked: Partial<WorkPolicy> | undefined, defaults: WorkPolicy): WorkPolicy {
  const value = (key: keyof WorkPolicy): number => {
    // The deciding side's default, not the range's: a session that sent nothing gets the hub's setting.
    const n = asked?.[key] ?? defaults[key];
    return checkInRange(`policy.${key}`, n, WORK_POLICY[key], { note: `(${SETTING[key]})` });
  };
  return { leaseMs: value('leaseMs'), maxAttempts: value('maxAttempts'), dlqTtlMs: value('dlqTtlMs') };
}

type Live = Exclude<WorkItemState, { status: 'absent' }>;

/** How long a claim (or a progress report) holds the item: its own policy's lease, else `fallback`. */
export const leaseMsOf = (state: Live, fallback: number): number => state.leaseMs ?? fallback;

/** How long the item's dead letter is kept: its own policy's, else `fallback`. */
export const dlqTtlMsOf = (state: Live, fallback: number): number => state.dlqTtlMs ?? fallback;
