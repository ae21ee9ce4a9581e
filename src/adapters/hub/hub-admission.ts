import { HubRefusal } from './hub-errors.js';
import { callerOf, hubOperation, inInbox, type HubOp } from './hub-protocol.js';

/**
 * On a server with credentials, a caller token that names no agent belongs to a privileged
 * credential (the hub's own, for the CLI): agent credentials may publish only on their guid.
 */
export const TRUSTED_CALLER_PREFIX = 'trusted-';

/** Operations that wait by design (up to their own timeout); each caller may hold only a few at once. */

/** The bounds one caller is held to (ADR 0031). */
export interface AdmissionLimits {
  /** Requests a second one agent may make; twice that in a burst. Undefined: no rate (open mode). */
  readonly ratePerSecond?: number;
  /** Requests of one caller being answered at once, waits aside. */
  readonly inFlight: number;
  /** Waits (claim_work, wait_for_messages) of one caller at once; a newer one releases the oldest. */
  readonly waits: number;
}

export const DEFAULT_ADMISSION: Omit<AdmissionLimits, 'ratePerSecond'> = { inFlight: 16, waits: 4 };

/** What the admission decided about one request, before the hub has parsed or verified anything. */
export type Admission =
  /** Not answered at all: no reply subject the caller may hear, or not a hub subject. */
  | { readonly kind: 'dropped'; readonly reason: 'subject' | 'reply' }
  /** Answered with this refusal and nothing else. */
  | { readonly kind: 'refused'; readonly error: HubRefusal }
  | Admitted;

export interface Admitted {
  readonly kind: 'admitted';
  readonly namespace: string;
  readonly caller: string;
  /** Aborted when a newer wait of the same caller takes this one's place. */
  readonly released: AbortSignal;
  /** Frees the caller's slot: call once the request is answered. */
  done(): void;
}

/** Counts of what admission turned away, for the hub's STATS and logs. */
export interface AdmissionCounts {
  readonly droppedSubject: number;
  readonly droppedReply: number;
  readonly rateLimited: number;
  readonly busy: number;
  readonly waitsReleased: number;
}

/**
 * The cheap checks every request passes first, keyed by the caller its subject names (which the
 * server lets only that credential publish on): where its answer may go, how fast and how much
 * at once it may ask. Nothing here parses the body or checks a signature, so a flood costs the
 * hub microseconds per message and only the flooder is refused (ADR 0030, 0031).
 */
export class HubAdmission {
  private readonly rate: CallerRate | undefined;
  private readonly busy = new Map<string, number>();
  private readonly waits = new Map<string, AbortController[]>();
  /** Where each held wait's answer goes (its connection's inbox), to ask whether anyone still listens there. */
  private readonly waitingAt = new Map<AbortController, string>();
  private readonly counts = { droppedSubject: 0, droppedReply: 0, rateLimited: 0, busy: 0, waitsReleased: 0 };

  constructor(
    /** With credentials, agents' answers go only to their own inbox prefix, and they are rate-limited. */
    private readonly credentialed: boolean,
    private readonly limits: AdmissionLimits,
  ) {
    this.rate = limits.ratePerSecond !== undefined ? new CallerRate(limits.ratePerSecond) : undefined;
  }

  admit(op: HubOp, subject: string, reply: string | undefined, nowMs: number): Admission {
    const named = callerOf(op, subject);
    if (!named) return this.drop('subject');
    const { caller } = named;
    // The reply subject is the caller's to choose, and the hub publishes there with every right it
    // has: only a subject of the caller's own inbox, or the hub would write wherever it was told.
    if (reply === undefined || !inInbox(reply, replyInboxOf(this.credentialed, caller))) return this.drop('reply');
    const agent = this.credentialed && !caller.startsWith(TRUSTED_CALLER_PREFIX);
    if (agent && this.rate && !this.rate.take(caller, nowMs)) {
      this.counts.rateLimited++;
      return {
        kind: 'refused',
        error: new HubRefusal(
          'rate_limited',
          `rate limit: this agent may make at most ${this.rate.perSecond} requests a second (WARP_HUB_RATE on the hub); slow down and try again`,
        ),
      };
    }
    if (hubOperation(op).waits) return this.admitWait(named.namespace, caller, reply);
    const busy = this.busy.get(caller) ?? 0;
    if (agent && busy >= this.limits.inFlight) {
      this.counts.busy++;
      return {
        kind: 'refused',
        error: new HubRefusal(
          'busy',
          `this agent already has ${busy} requests in progress at the hub; wait for their answers before asking more`,
        ),
      };
    }
    this.busy.set(caller, busy + 1);
    let open = true;
    return {
      kind: 'admitted',
      namespace: named.namespace,
      caller,
      released: NEVER_RELEASED,
      done: () => {
        if (!open) return;
        open = false;
        const left = (this.busy.get(caller) ?? 1) - 1;
        if (left > 0) this.busy.set(caller, left);
        else this.busy.delete(caller);
      },
    };
  }

  counted(): AdmissionCounts {
    return { ...this.counts };
  }

  /** The inboxes (a connection's reply prefix) that held waits answer to. */
  waitingInboxes(): string[] {
    return [...new Set(this.waitingAt.values())];
  }

  /** No one listens at `inbox` any more (its connection is gone): the waits answering there end now. */
  releaseWaitsAt(inbox: string): void {
    for (const [release, at] of this.waitingAt) if (at === inbox) this.release(release);
  }

  private release(wait: AbortController): void {
    if (wait.signal.aborted) return;
    wait.abort();
    this.waitingAt.delete(wait);
    this.counts.waitsReleased++;
  }

  /** A caller's waits beyond its bound: the oldest ends now (answered as if its time were up). */
  private admitWait(namespace: string, caller: string, reply: string): Admitted {
    const held = this.waits.get(caller) ?? [];
    const release = new AbortController();
    held.push(release);
    this.waitingAt.set(release, reply.slice(0, reply.lastIndexOf('.')));
    this.waits.set(caller, held);
    while (held.length > this.limits.waits) this.release(held.shift()!);
    let open = true;
    return {
      kind: 'admitted',
      namespace,
      caller,
      released: release.signal,
      done: () => {
        if (!open) return;
        open = false;
        const at = held.indexOf(release);
        if (at >= 0) held.splice(at, 1);
        this.waitingAt.delete(release);
        if (held.length === 0 && this.waits.get(caller) === held) this.waits.delete(caller);
      },
    };
  }

  private drop(reason: 'subject' | 'reply'): Admission {
    if (reason === 'subject') this.counts.droppedSubject++;
    else this.counts.droppedReply++;
    return { kind: 'dropped', reason };
  }
}

/**
 * Where a caller hears its answers: an agent credential may subscribe only to `_INBOX_<guid>`
 * (ADR 0022); everyone else (open mode, the hub's own credential) uses the client's default.
 */
export const replyInboxOf = (credentialed: boolean, caller: string): string =>
  credentialed && !caller.startsWith(TRUSTED_CALLER_PREFIX) ? `_INBOX_${caller}` : '_INBOX';

const NEVER_RELEASED = new AbortController().signal;

/** Per-agent request rate: a token bucket per caller, so one agent's flood refuses only that agent. */
export class CallerRate {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(readonly perSecond: number) {}

  /** Whether `caller` may ask now; takes a token when it may. */
  take(caller: string, nowMs: number): boolean {
    const burst = this.perSecond * 2;
    if (this.buckets.size > MAX_TRACKED_CALLERS) this.forgetIdle(nowMs, burst);
    const bucket = this.buckets.get(caller) ?? { tokens: burst, at: nowMs };
    bucket.tokens = Math.min(burst, bucket.tokens + ((nowMs - bucket.at) / 1000) * this.perSecond);
    bucket.at = nowMs;
    this.buckets.set(caller, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** A caller idle long enough to have a full bucket again is as good as new. */
  private forgetIdle(nowMs: number, burst: number): void {
    const refillMs = (burst / this.perSecond) * 1000;
    for (const [caller, bucket] of this.buckets) if (nowMs - bucket.at >= refillMs) this.buckets.delete(caller);
  }
}

const MAX_TRACKED_CALLERS = 10_000;
