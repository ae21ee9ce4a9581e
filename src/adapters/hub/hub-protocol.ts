import { z } from 'zod';
import { HUB_OPERATIONS, type AnyOperation } from '../../application/index.js';
import { assertToken } from '../nats/nats-names.js';

/** The NATS service name every hub registers under; `warp status` discovers hubs by it. */
export const HUB_SERVICE = 'warp-hub';
/** Hubs answer as one queue group: any of them serves any request. */
export const HUB_QUEUE = 'warp-hub';

type HubOperations = typeof HUB_OPERATIONS;
/** The operations a hub serves: all of the table's but what a session answers itself, and the authority's. */
export type HubOp = {
  [K in keyof HubOperations]: HubOperations[K]['at'] extends 'session' ? never : K;
}[keyof HubOperations];

export const HUB_OPS = Object.keys(HUB_OPERATIONS).filter(
  (name) => HUB_OPERATIONS[name as keyof HubOperations].at !== 'session',
) as HubOp[];

/** The operation `op` names, with its use case and flags. */
export const hubOperation = (op: HubOp): AnyOperation => HUB_OPERATIONS[op];

/** Whether `name` is an operation a hub serves (not a name inherited from Object). */
export const isHubOp = (name: string): name is HubOp => (HUB_OPS as readonly string[]).includes(name);

export const ACK_HEADER = 'Warp-Ack';
/**
 * On a request asked again because the stream refused its deferred append: that append's ack
 * subject, so that the hub stops waiting to see it stored (a refusal by quota leaves nothing to see).
 */
export const REFUSED_HEADER = 'Warp-Refused';

/** Whether `subject` is a plain subject inside `inboxPrefix`: where an answer or an ack to a caller may go. */
export function inInbox(subject: string, inboxPrefix: string): boolean {
  return (
    subject.length <= 256 &&
    /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$/.test(subject) &&
    subject.startsWith(`${inboxPrefix}.`)
  );
}

/**
 * One subject per operation, namespace and caller, so a server permission can confine a credential
 * to its project and to itself: `warp.hub.<op>.<namespace>.<caller>`. The caller is the session id
 * (or, with credentials, the identity they carry).
 */
export const hubSubject = (op: HubOp, namespace: string, caller: string): string =>
  `warp.hub.${op}.${assertToken(namespace)}.${assertToken(caller)}`;
/** What an endpoint subscribes to: its operation for any namespace and caller. */
export const hubEndpointSubject = (op: HubOp): string => `warp.hub.${op}.*.*`;

/** The namespace and caller a request's subject names, or undefined when it is not a hub subject of `op`. */
export function callerOf(op: HubOp, subject: string): { namespace: string; caller: string } | undefined {
  const [warp, hub, named, namespace, caller, ...rest] = subject.split('.');
  if (warp !== 'warp' || hub !== 'hub' || named !== op || !namespace || !caller || rest.length) return undefined;
  return { namespace, caller };
}

const token = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/);

/** Who is asking: the session's identity and its current handle and agent, carried by every request. */
export const sessionWireSchema = z.object({
  namespace: token,
  hostname: z.string().max(256),
  username: z.string().max(256),
  holder: z.object({
    session: token,
    pid: z.number().int().nonnegative(),
    command: z.literal(true).optional(),
  }),
  handle: z.string().max(256).optional(),
  guid: token.optional(),
});

export type SessionWire = z.infer<typeof sessionWireSchema>;

export const requestSchema = z.object({
  session: sessionWireSchema,
  /**
   * Chosen by the session for one call and kept when it asks again: a repeat of a request that took
   * effect gets that effect, not a second one (ADR 0037).
   */
  id: token.optional(),
  input: z.unknown().optional(),
  /** An agent's user JWT (public), which the hub checks against the subject (ADR 0022). */
  credential: z.string().max(16_384).optional(),
});

/** How a refused or failed call crosses the wire, so the session rethrows what the hub threw. */
export const errorWireSchema = z.object({
  kind: z.enum(['domain', 'unavailable', 'internal']),
  code: z.string().max(64),
  message: z.string().max(10_000),
  field: z.string().max(256).optional(),
});

export type ErrorWire = z.infer<typeof errorWireSchema>;

export const replySchema = z.union([
  z.object({
    ok: z.literal(true),
    result: z.unknown().optional(),
    /** The session's handle and agent after the call (set_handle, register_agent, deregister change them). */
    session: z.object({ handle: z.string().max(256).optional(), guid: token.optional() }),
    /** The hub that decided: the session sends its next requests straight to it (ADR 0038). */
    hub: token.optional(),
    /** The answer holds once the stream's ack, sent to the request's ACK_HEADER subject, says stored. */
    deferred: z.literal(true).optional(),
  }),
  z.object({ ok: z.literal(false), error: errorWireSchema }),
]);

export type Reply = z.infer<typeof replySchema>;
