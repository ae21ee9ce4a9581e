import {
  ClosedConnectionError,
  createInbox,
  NoRespondersError,
  PermissionViolationError,
  RequestError,
  TimeoutError,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  type Subscription,
} from '@nats-io/nats-core';

export interface RequestOptions {
  readonly timeoutMs: number;
  readonly headers?: MsgHdrs;
}

/** One message a caller waits for on the mux: where it comes, the wait, and how to stop waiting. */
export interface PendingReply {
  readonly subject: string;
  readonly reply: Promise<Msg>;
  cancel(): void;
}

interface Waiting {
  /** The request's subject (what a refusal or "no responders" names), else the one waited on. */
  readonly subject: string;
  readonly resolve: (reply: Msg) => void;
  readonly reject: (error: unknown) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

const NO_RESPONDERS = 503;

/**
 * Requests with their replies on one subscription, as the client's own `request` does, minus its
 * cost: the client builds a stack-traced error for every request, even one that is answered (to
 * reject a promise already settled), a third of a JetStream publish here (ADR 0025). Failures are
 * the client's errors, so callers and retries read them as before: a `TimeoutError`, a
 * `RequestError` whose cause is "no responders", or the connection closed.
 */
export class ReplyMux {
  private readonly prefix: string;
  private readonly waiting = new Map<string, Waiting>();
  private subscription: Subscription | undefined;
  private sent = 0;

  constructor(
    private readonly nc: NatsConnection,
    /** Where this connection may hear replies (a credential's own inbox prefix); `_INBOX` by default. */
    inboxPrefix?: string,
  ) {
    this.prefix = createInbox(inboxPrefix);
    void nc.closed().then(() => this.failAll(new ClosedConnectionError()));
    void this.watchRefusals();
  }

  /** A publish the server refuses (a credential's permissions) fails its request at once, as the client's would. */
  private async watchRefusals(): Promise<void> {
    try {
      for await (const status of this.nc.status()) {
        const error = status.type === 'error' ? status.error : undefined;
        if (!(error instanceof PermissionViolationError) || error.operation !== 'publish') continue;
        for (const [reply, waiting] of this.waiting) {
          if (waiting.subject !== error.subject) continue;
          this.waiting.delete(reply);
          clearTimeout(waiting.timer);
          waiting.reject(new RequestError(error.message, { cause: error }));
        }
      }
    } catch {
      // The status feed ends with the connection; what waits then is failed by `closed()`.
    }
  }

  request(subject: string, payload: string | Uint8Array, options: RequestOptions): Promise<Msg> {
    const answer = this.await(subject, options.timeoutMs);
    try {
      this.nc.publish(subject, payload, {
        reply: answer.subject,
        ...(options.headers ? { headers: options.headers } : {}),
      });
    } catch (error) {
      answer.cancel();
      return Promise.reject(error);
    }
    return answer.reply;
  }

  /** A message that is not a request of this mux's (its answer, if any, goes to `reply`). */
  publish(subject: string, payload: string | Uint8Array, options: { reply?: string; headers?: MsgHdrs } = {}): void {
    this.nc.publish(subject, payload, options);
  }

  /**
   * Listens, on this mux's subscription, for one message on a subject of its own that no request
   * made: where a caller asks another party (the hub) to have the answer of a third sent (ADR 0026).
   */
  expect(timeoutMs: number): PendingReply {
    const awaited = this.await(undefined, timeoutMs);
    // PendingReply only once the other party has answered: a timeout before then is not unhandled.
    awaited.reply.catch(() => undefined);
    return awaited;
  }

  /** A subject of this mux's and the one message it is to get within `timeoutMs`; `about` names a request's subject. */
  private await(about: string | undefined, timeoutMs: number): PendingReply {
    const subject = `${this.prefix}.${this.sent++}`;
    try {
      this.subscribe();
    } catch (error) {
      // A closed or draining connection takes no subscription.
      const failed = Promise.reject(error);
      failed.catch(() => undefined);
      return { subject, reply: failed, cancel: () => undefined };
    }
    let cancel = (): void => undefined;
    const reply = new Promise<Msg>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(subject);
        reject(new TimeoutError());
      }, timeoutMs);
      this.waiting.set(subject, { subject: about ?? subject, resolve, reject, timer });
      cancel = () => {
        clearTimeout(timer);
        this.waiting.delete(subject);
      };
    });
    return { subject, reply, cancel };
  }

  private subscribe(): void {
    this.subscription ??= this.nc.subscribe(`${this.prefix}.*`, {
      callback: (error, m) => {
        if (!error) return this.settle(m);
        // The client ends a subscription that failed (a permission, say): the next request makes another.
        this.subscription = undefined;
        this.failAll(error);
      },
    });
  }

  private settle(m: Msg): void {
    const waiting = this.waiting.get(m.subject);
    // A reply after its timeout: the caller was already told.
    if (!waiting) return;
    this.waiting.delete(m.subject);
    clearTimeout(waiting.timer);
    if (m.headers?.code === NO_RESPONDERS && m.data.length === 0) {
      const cause = new NoRespondersError(waiting.subject);
      return waiting.reject(new RequestError(cause.message, { cause }));
    }
    waiting.resolve(m);
  }

  private failAll(error: unknown): void {
    const all = [...this.waiting.values()];
    this.waiting.clear();
    for (const waiting of all) {
      clearTimeout(waiting.timer);
      waiting.reject(error);
    }
  }
}
