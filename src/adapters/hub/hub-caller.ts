import { Session } from '../../application/index.js';
import { NotAllowed, ValidationError } from '../../domain/index.js';
import { CREDENTIAL_HOST, verifiedIdentity, type CredentialIdentity } from '../auth/credential-identity.js';
import { TRUSTED_CALLER_PREFIX } from './hub-admission.js';
import type { HubOp, SessionWire } from './hub-protocol.js';

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
  verified: VerifiedCredentials,
  subjectCaller: string,
  wire: SessionWire,
  credential: string | undefined,
  nowMs: number,
): Caller {
  if (!trust || subjectCaller.startsWith(TRUSTED_CALLER_PREFIX)) return { session: sessionOf(wire) };
  const identity = credential ? verified.identity(credential, trust.account, nowMs) : undefined;
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

/**
 * Credentials checked once and remembered until they expire: a session sends the same JWT with
 * every request, and checking its signature each time was the bulk of a request's cost. A revoked
 * credential needs no eviction: the server closes its connection and refuses it from then on, so
 * it can no longer publish on the subject that names it.
 */
export class VerifiedCredentials {
  private readonly known = new Map<string, { identity: CredentialIdentity; expiresMs: number }>();

  constructor(private readonly capacity = 10_000) {}

  identity(jwt: string, account: string, nowMs: number): CredentialIdentity | undefined {
    const cached = this.known.get(jwt);
    if (cached && cached.expiresMs > nowMs) return cached.identity;
    if (cached) this.known.delete(jwt);
    const identity = verifiedIdentity(jwt, account, Math.floor(nowMs / 1000));
    if (!identity) return undefined;
    // The oldest entry goes first: a Map iterates in insertion order.
    if (this.known.size >= this.capacity) this.known.delete(this.known.keys().next().value!);
    this.known.set(jwt, { identity, expiresMs: expiryMs(jwt) });
    return identity;
  }
}

/** When a (verified) JWT stops being valid: its `exp`, or never. */
function expiryMs(jwt: string): number {
  try {
    const exp = (JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : Number.POSITIVE_INFINITY;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
