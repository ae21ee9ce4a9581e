import { Session } from '../../application/index.js';
import { NotAllowed, ValidationError } from '../../domain/index.js';
import { CREDENTIAL_HOST, verifiedIdentity, type CredentialIdentity } from '../auth/credential-identity.js';
import { HubRefusal } from './hub-errors.js';
import type { HubOp, SessionWire } from './hub-protocol.js';

/**
 * On a server with credentials, a caller token that names no agent belongs to a privileged
 * credential (the hub's own, for the CLI): agent credentials may publish only on their guid.
 */
export const TRUSTED_CALLER_PREFIX = 'trusted-';

/** Who may ask what, on a server with credentials (ADR 0022). */
export interface HubTrust {
  /** The account whose signature makes an agent identity genuine. */
  readonly account: string;
  /** Requests a second one agent may make; twice that in a burst. */
  readonly ratePerSecond: number;
}

/** The session a request stands for, and the agent identity it was pinned to (none for a privileged caller). */
export interface Caller {
  readonly session: Session;
  readonly identity?: CredentialIdentity;
}

export function sessionOf(wire: SessionWire): Session {
  const holder = {
    session: wire.holder.session,
    pid: wire.holder.pid,
    ...(wire.holder.command ? { command: true as const } : {}),
  };
  const session = new Session(wire.namespace, wire.hostname, wire.username, holder);
  if (wire.handle !== undefined) session.handle = wire.handle;
  if (wire.guid !== undefined) session.guid = wire.guid;
  return session;
}

/**
 * With trust, a request on an agent's subject must carry that agent's credential (its JWT,
 * signed by the account); the session is rebuilt from the credential, never from what the body
 * claims. The subject proves the holder: only that credential may publish on it.
 */
export function resolveCaller(
  trust: HubTrust | undefined,
  subjectCaller: string,
  wire: SessionWire,
  credential: string | undefined,
  nowMs: number,
): Caller {
  if (!trust || subjectCaller.startsWith(TRUSTED_CALLER_PREFIX)) return { session: sessionOf(wire) };
  const identity = credential ? verifiedIdentity(credential, trust.account, Math.floor(nowMs / 1000)) : undefined;
  if (!identity || identity.guid !== subjectCaller || identity.namespace !== wire.namespace)
    throw new NotAllowed(
      'this request does not carry the credential of the agent it was sent as; each agent asks only as itself',
    );
  if (wire.guid !== undefined && wire.guid !== identity.guid)
    throw new NotAllowed(`this credential is agent ${identity.handle}'s; it cannot act as another agent`);
  const session = new Session(identity.namespace, CREDENTIAL_HOST, identity.user, wire.holder);
  session.handle = identity.handle;
  if (wire.guid !== undefined) session.guid = identity.guid;
  return { session, identity };
}

/** What an agent's credential fixes: its handle cannot be changed to another agent's. */
export function checkPinned(op: HubOp, identity: CredentialIdentity | undefined, input: unknown): void {
  if (!identity || op !== 'setHandle') return;
  const asked = (input as { handle?: unknown } | undefined)?.handle;
  if (asked !== identity.handle)
    throw new ValidationError(
      'handle',
      `this agent's credential names it "${identity.handle}"; it cannot take another handle`,
    );
}

/** Per-agent request rate: a token bucket per caller, so one agent's flood refuses only that agent. */
export class CallerRate {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly perSecond: number) {}

  take(caller: string, nowMs: number): void {
    const burst = this.perSecond * 2;
    if (this.buckets.size > MAX_TRACKED_CALLERS) this.forgetIdle(nowMs, burst);
    const bucket = this.buckets.get(caller) ?? { tokens: burst, at: nowMs };
    bucket.tokens = Math.min(burst, bucket.tokens + ((nowMs - bucket.at) / 1000) * this.perSecond);
    bucket.at = nowMs;
    this.buckets.set(caller, bucket);
    if (bucket.tokens < 1)
      throw new HubRefusal(
        'rate_limited',
        `rate limit: this agent may make at most ${this.perSecond} requests a second (WARP_HUB_RATE on the hub); slow down and try again`,
      );
    bucket.tokens -= 1;
  }

  /** A caller idle long enough to have a full bucket again is as good as new. */
  private forgetIdle(nowMs: number, burst: number): void {
    const refillMs = (burst / this.perSecond) * 1000;
    for (const [caller, bucket] of this.buckets) if (nowMs - bucket.at >= refillMs) this.buckets.delete(caller);
  }
}

const MAX_TRACKED_CALLERS = 10_000;
