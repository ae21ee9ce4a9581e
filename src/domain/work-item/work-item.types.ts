/** Commands, events and states of the WorkItem aggregate. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface WorkSpec {
  readonly id: string;
  readonly taskId: string;
  readonly description: string;
  readonly capability: string;
  readonly priority: number;
  readonly deadline?: number;
  readonly contextData?: { readonly [key: string]: JsonValue };
  readonly offeredBy: string;
  readonly namespace: string;
}

/**
 * How the queue treats one item: how long a claim holds it, how many deliveries it gets, how long
 * its dead letter is kept. The offering session's settings (WORKQUEUE_ACK_TIMEOUT,
 * WORKQUEUE_MAX_ATTEMPTS, WORKQUEUE_DLQ_TTL), stored with the offer (ADR 0035).
 */
export interface WorkPolicy {
  readonly leaseMs: number;
  readonly maxAttempts: number;
  readonly dlqTtlMs: number;
}

/** Why an attempt ended without completion; kept for the dead-letter report. */
export interface AttemptRecord {
  readonly attempt: number;
  readonly holder: string;
  readonly reason: string;
  readonly at: number;
  /** The request that failed it (a failure, not an expired lease): a repeat of it answers as the first (ADR 0042). */
  readonly requestId?: string;
}

export type DeadLetterReason = 'max-attempts' | 'non-retryable' | 'deadline';

interface Common {
  readonly spec: WorkSpec;
  readonly offeredAt: number;
  /** Deliveries so far (claims). */
  readonly attempts: number;
  /** Deliveries allowed: the offer's, or what a retry of its dead letter allows. */
  readonly maxAttempts: number;
  /**
   * The item's own lease and dead-letter time, from its offer. Absent for an item offered before
   * policies travelled with the offer (a v1 WorkOffered): the deciding side's settings apply.
   */
  readonly leaseMs?: number;
  readonly dlqTtlMs?: number;
  readonly history: readonly AttemptRecord[];
}

export type WorkItemState =
  | { readonly status: 'absent' }
  | (Common & { readonly status: 'offered' })
  | (Common & {
      readonly status: 'claimed';
      readonly holder: string;
      readonly leaseUntil: number;
      readonly progress?: number;
      /** The request that claimed it: a claim asked again under it gets this item (ADR 0042). */
      readonly requestId?: string;
    })
  | (Common & {
      readonly status: 'completed';
      readonly completedBy: string;
      readonly completedAt: number;
      readonly result?: JsonValue;
      readonly summary?: string;
      /** The request that completed it: a repeat of it answers as the first (ADR 0042). */
      readonly requestId?: string;
    })
  | (Common & {
      readonly status: 'dead-lettered';
      readonly reason: DeadLetterReason;
      readonly deadLetteredAt: number;
      readonly expiresAt: number;
    })
  | (Common & { readonly status: 'discarded'; readonly discardedAt: number });

/** An item nothing more can happen to but a look: completed, discarded, or dead-lettered (until it expires). */
export type FinishedWorkItem = Extract<WorkItemState, { status: 'completed' | 'dead-lettered' | 'discarded' }>;

/**
 * `requestId` on a command below is the id of the call that asks for it (ADR 0037): the same when a
 * session asks again, so a repeat is recognised from the item's own events, whichever hub decides it
 * (ADR 0042).
 */
export type WorkItemCommand =
  | { readonly type: 'OfferWork'; readonly spec: WorkSpec; readonly policy: WorkPolicy; readonly now: number }
  /**
   * `leaseMs` and `dlqTtlMs` on the commands below are the deciding side's settings: they apply
   * only to an item whose offer carried no policy of its own (see WorkPolicy).
   */
  | {
      readonly type: 'ClaimWork';
      readonly holder: string;
      readonly leaseMs: number;
      readonly dlqTtlMs: number;
      readonly now: number;
      readonly requestId?: string;
    }
  | {
      readonly type: 'ReportProgress';
      readonly holder: string;
      readonly progress: number;
      readonly message?: string;
      readonly leaseMs: number;
      readonly now: number;
    }
  | {
      readonly type: 'CompleteWork';
      readonly holder: string;
      readonly result?: JsonValue;
      readonly summary?: string;
      readonly now: number;
      readonly requestId?: string;
    }
  | {
      readonly type: 'FailWork';
      readonly holder: string;
      readonly error: string;
      readonly retryable: boolean;
      readonly dlqTtlMs: number;
      readonly now: number;
      readonly requestId?: string;
    }
  | { readonly type: 'ExpireLease'; readonly dlqTtlMs: number; readonly now: number }
  | { readonly type: 'RetryDeadLetter'; readonly resetAttempts: boolean; readonly now: number }
  | { readonly type: 'DiscardDeadLetter'; readonly now: number }
  /** Replaces a finished item's history with one snapshot of its state. */
  | { readonly type: 'CompactWork'; readonly now: number };

/**
 * `requestId` on WorkClaimed, WorkCompleted and WorkFailed: the call that decided it, when one had an
 * id (ADR 0042). Optional within v1: a reader that does not know it ignores it, one that does reads
 * older events without it.
 */
export type WorkItemEvent =
  | {
      readonly type: 'WorkOffered';
      readonly v: 2;
      readonly spec: WorkSpec;
      readonly policy: WorkPolicy;
      readonly at: number;
    }
  /** An offer stored before policies travelled with it: only its attempts are its own. Read, never written. */
  | {
      readonly type: 'WorkOffered';
      readonly v: 1;
      readonly spec: WorkSpec;
      readonly maxAttempts: number;
      readonly at: number;
    }
  | {
      readonly type: 'WorkClaimed';
      readonly v: 1;
      readonly holder: string;
      readonly attempt: number;
      readonly leaseUntil: number;
      readonly at: number;
      readonly requestId?: string;
    }
  | {
      readonly type: 'WorkProgressReported';
      readonly v: 1;
      readonly progress: number;
      readonly message?: string;
      readonly leaseUntil: number;
      readonly at: number;
    }
  | {
      readonly type: 'WorkCompleted';
      readonly v: 1;
      readonly holder: string;
      readonly result?: JsonValue;
      readonly summary?: string;
      readonly at: number;
      readonly requestId?: string;
    }
  | {
      readonly type: 'WorkFailed';
      readonly v: 1;
      readonly holder: string;
      readonly attempt: number;
      readonly error: string;
      readonly retryable: boolean;
      readonly at: number;
      readonly requestId?: string;
    }
  | {
      readonly type: 'WorkLeaseExpired';
      readonly v: 1;
      readonly holder: string;
      readonly attempt: number;
      readonly at: number;
    }
  | {
      readonly type: 'WorkDeadLettered';
      readonly v: 1;
      readonly reason: DeadLetterReason;
      readonly expiresAt: number;
      readonly at: number;
    }
  | {
      readonly type: 'WorkRetried';
      readonly v: 1;
      readonly resetAttempts: boolean;
      readonly maxAttempts: number;
      readonly at: number;
    }
  | { readonly type: 'WorkDiscarded'; readonly v: 1; readonly at: number }
  /** The whole state of a finished item: stored alone once its history is compacted. */
  | { readonly type: 'WorkItemCompacted'; readonly v: 1; readonly state: FinishedWorkItem; readonly at: number };
