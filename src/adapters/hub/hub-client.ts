import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { headers, RequestError, TimeoutError, type MsgHdrs } from '@nats-io/nats-core';
import type { Session } from '../../application/index.js';
import { ValidationError } from '../../domain/index.js';
import { BackendUnavailable } from '../../ports/index.js';
import { parsePubAck } from '../nats/jetstream-publisher.js';
import type { PendingReply, ReplyMux } from '../nats/reply-mux.js';
import { errorFromWire, HubRefusal } from './hub-errors.js';
import { encodeRequest } from './hub-request.js';
import { addressedSubject } from './hub-owners.js';
import {
  ACK_HEADER,
  hubOperation,
  REFUSED_HEADER,
  hubSubject,
  replySchema,
  type HubOp,
  type SessionWire,
} from './hub-protocol.js';

/** How long an ordinary call waits for the hub; a call that waits by design (claim, wait) adds its own wait. */
export const HUB_TIMEOUT_MS = 5_000;
/**
 * How long one attempt waits before the call asks again, with the same request id (ADR 0037): a
 * hub that died or stalled with the request is then passed over for another within seconds.
 */
const ATTEMPT_MS = 4_000;
/** The first pause of a session the hub told to slow down (rate or bounds, ADR 0032); it doubles. */
const SLOW_DOWN_MS = 100;
const isSlowDown = (error: unknown): boolean =>
  error instanceof HubRefusal && (error.code === 'rate_limited' || error.code === 'busy');
/** How long to wait before asking once more when no hub answered. */
const NO_HUB_AGAIN_MS = 200;
/** Asked this many times at most (besides a wait's own length, the call takes at most this many attempts). */
const ATTEMPTS = 4;
/** How long a session waits for a hub it started (or another session started) to answer. */
const HUB_START_MS = 15_000;
const HUB_POLL_MS = 100;

export interface HubClientOptions {
  /** The session connection's requests (replies on its own inbox prefix). */
  readonly requests: ReplyMux;
  readonly session: Session;
  /** Where the session's NATS is, for messages. */
  readonly server: string;
  /** Resolves once connected, or says why not by `deadline` (calls made while reconnecting would be lost). */
  readonly connected: (deadline: number) => Promise<void>;
  /** Refuses a payload the NATS server would not take (ValidationError naming `field`). */
  readonly checkPayload: (field: string, payload: string) => void;
  /** Starts a hub on this machine when none answers (the embedded default); absent, the call says how to start one. */
  readonly launch?: () => void;
  /** The subject's caller token when not the session id: an agent's guid, or a privileged session's (ADR 0022). */
  readonly caller?: string;
  /** An agent's user JWT, with which the hub checks that the caller is who it says. */
  readonly credential?: string;
  /** The largest message the server takes from this credential (it closes the connection of one that sends more). */
  readonly maxPayload?: number;
  /**
   * Sends each request straight to the hub that answered the last one (ADR 0038), which saves the
   * hop of a hub passing it on. Not for agents with credentials: they may publish only on their own
   * `warp.hub.<op>.<ns>.<guid>` subjects.
   */
  readonly direct?: boolean;
}

export interface CallOptions {
  /** How long the operation itself may wait (claim_work's timeout, wait_for_messages' timeoutMs). */
  readonly waitMs?: number;
}

class NoHub extends Error {}

/** The hub took the request and never answered (it died, or is stuck): whether it took effect is unknown. */
class Unanswered extends BackendUnavailable {}

/** Where the stream's ack may go, and which earlier ack said the stream refused this request's append. */
const deferralHeaders = (ack: PendingReply | undefined, refused: string | undefined): MsgHdrs | undefined => {
  if (!ack && !refused) return undefined;
  const h = headers();
  if (ack) h.set(ACK_HEADER, ack.subject);
  if (refused) h.set(REFUSED_HEADER, refused);
  return h;
};

/** Requests to the hub on behalf of one session: the session travels with each request, and comes back changed. */
export class HubClient {
  /** The hub that decided this session's last request: the owner of its project (ADR 0038). */
  private owner: string | undefined;

  constructor(private readonly options: HubClientOptions) {}

  async call<T>(op: HubOp, input?: unknown, call: CallOptions = {}): Promise<T> {
    const { credential } = this.options;
    const wait = call.waitMs ?? 0;
    const timeout = ATTEMPT_MS + wait;
    const id = randomUUID();
    const payload = encodeRequest(this.wire(), input, this.options.checkPayload, credential, id);
    this.checkSize(payload);
    const slowDownUntil = Date.now() + HUB_TIMEOUT_MS;
    let noHubBefore = false;
    let startingUntil: number | undefined;
    for (let attempt = 1, pause = SLOW_DOWN_MS; ;) {
      try {
        return await this.send<T>(op, payload, timeout);
      } catch (error) {
        if (error instanceof NoHub) {
          // A hub that took the request may have passed it to another that has just gone (ADR 0038):
          // once more before concluding that no hub runs; then start one here, or say how to.
          if (noHubBefore) this.startHub((startingUntil ??= Date.now() + HUB_START_MS));
          noHubBefore = true;
          await sleep(startingUntil === undefined ? NO_HUB_AGAIN_MS : HUB_POLL_MS);
          continue;
        }
        // Over this agent's rate or bounds at the hub: an honest session slows down rather than fail its caller.
        if (isSlowDown(error) && Date.now() + pause < slowDownUntil) {
          await sleep(pause);
          pause *= 2;
          continue;
        }
        // Asked again with the same id: the hub answers a repeat with what the first one did.
        if (!(error instanceof Unanswered) || attempt++ >= ATTEMPTS) throw error;
      }
    }
  }

  /** No hub answers: start one here (the embedded default; a no-op while a start is under way), or say how to start one. */
  private startHub(until: number): void {
    const { launch } = this.options;
    if (!launch || Date.now() > until) throw this.absent();
    launch();
  }

  private checkSize(payload: string): void {
    const { maxPayload } = this.options;
    if (maxPayload !== undefined && maxPayload >= 0 && Buffer.byteLength(payload) > maxPayload)
      throw new ValidationError(
        'input',
        `makes a ${Buffer.byteLength(payload)}-byte request; this agent's credential allows at most ${maxPayload} bytes a message (warp auth add-agent --max-payload)`,
      );
  }

  /** `refused`: the ack subject of this request's deferred attempt, which the stream refused. */
  private async send<T>(op: HubOp, payload: string, timeout: number, refused?: string): Promise<T> {
    const { requests, session } = this.options;
    await this.options.connected(Date.now() + HUB_TIMEOUT_MS);
    // Where the hub may have the stream's ack sent, answering before its append is stored (ADR 0026).
    // The ack may come a while after the answer (which may itself come late): it has its own time after it.
    const ack = hubOperation(op).appendsLast && !refused ? requests.expect(timeout + HUB_TIMEOUT_MS) : undefined;
    const h = deferralHeaders(ack, refused);
    const owner = this.options.direct ? this.owner : undefined;
    let raw: unknown;
    try {
      const caller = this.options.caller ?? session.holder.session;
      const subject = owner
        ? addressedSubject('to', owner, op, session.namespace, caller)
        : hubSubject(op, session.namespace, caller);
      raw = (await requests.request(subject, payload, { timeoutMs: timeout, ...(h ? { headers: h } : {}) })).json();
    } catch (error) {
      ack?.cancel();
      // The hub it was sent to has gone (or stopped taking requests): any hub of the group takes it now.
      if (owner) this.owner = undefined;
      if (owner && error instanceof RequestError && error.isNoResponders())
        return this.send<T>(op, payload, timeout, refused);
      if (error instanceof RequestError && error.isNoResponders()) throw new NoHub();
      if (error instanceof TimeoutError || (error instanceof RequestError && error.cause instanceof TimeoutError))
        throw new Unanswered(
          `The Warp hub did not answer "${op}" within ${Math.round(timeout / 1000)} s, asked ${ATTEMPTS} times, so whether it took effect is unknown; ` +
            'check before repeating it. `warp status` lists the hubs that answer; if none does, start one with `warp hub`.',
        );
      throw error instanceof SyntaxError
        ? new BackendUnavailable(
            'The Warp hub answered something that is not JSON; is another program serving warp.hub.*?',
          )
        : error;
    }
    const reply = replySchema.safeParse(raw);
    if (!reply.success || !reply.data.ok || !reply.data.deferred) ack?.cancel();
    if (!reply.success)
      throw new BackendUnavailable(
        'The Warp hub answered in a form this session does not know; are both the same Warp version?',
      );
    if (!reply.data.ok) throw errorFromWire(reply.data.error);
    if (this.options.direct && reply.data.hub !== undefined) this.owner = reply.data.hub;
    // A deferred answer holds once stored; one the stream refused (another hub changed the item first,
    // a quota) is asked again, waiting for the store this time, and answered as it then stands. The
    // hub is told of the refusal, which it may not see otherwise (a quota stores nothing to see).
    if (reply.data.deferred && !(await this.stored(ack))) return this.send<T>(op, payload, timeout, ack!.subject);
    // Only what changes who the session is may change it: other answers may race one that does.
    if (hubOperation(op).identity) this.adopt(reply.data.session);
    return reply.data.result as T;
  }

  /**
   * Whether the stream stored the deferred append: its ack came (true), or its refusal, or no word
   * at all (a stream electing its leader), false: the request is then asked again without deferral,
   * with its id, and answered as it then stands (the hub gives a repeat of a stored change its first
   * outcome, ADR 0037).
   */
  private async stored(ack: PendingReply | undefined): Promise<boolean> {
    if (!ack)
      throw new BackendUnavailable(
        'The Warp hub deferred an answer no one asked it to defer; is it the same Warp version?',
      );
    try {
      parsePubAck(await ack.reply);
      return true;
    } catch {
      return false;
    }
  }

  /** The hub's view of who this session is after a call that changed it. */
  private adopt(changed: { readonly handle?: string | undefined; readonly guid?: string | undefined }): void {
    const { session } = this.options;
    if (session.handle !== changed.handle) session.handle = changed.handle;
    if (session.guid !== changed.guid) session.guid = changed.guid;
  }

  private wire(): SessionWire {
    const { session } = this.options;
    return {
      namespace: session.namespace,
      hostname: session.hostname,
      username: session.username,
      holder: {
        session: session.holder.session,
        pid: session.holder.pid,
        ...(session.holder.command ? { command: true as const } : {}),
      },
      ...(session.handle !== undefined ? { handle: session.handle } : {}),
      ...(session.guid !== undefined ? { guid: session.guid } : {}),
    };
  }

  private absent(): BackendUnavailable {
    return new BackendUnavailable(
      `No Warp hub answers on NATS at ${this.options.server}. Start one where it can stay running: ` +
        '`warp hub` (with the same NATS_URL and credentials); `warp status` lists the hubs that answer.',
    );
  }
}
