import { JetStreamApiError, JetStreamError, type ApiError, type PubAck } from '@nats-io/jetstream';
import { headers as natsHeaders, type Msg, type MsgHdrs } from '@nats-io/nats-core';
import type { ReplyMux } from './reply-mux.js';

export interface PublishOptions {
  /** Deduplicates within the stream's duplicate window (Nats-Msg-Id). */
  readonly msgID?: string;
  /** Refused (API error 10071) unless the subject's newest message has this sequence (0: it has none). */
  readonly expect?: { readonly lastSubjectSequence: number };
  /** Further headers (a rollup, say); the ones above are added to them. */
  readonly headers?: MsgHdrs;
}

interface AckBody {
  readonly stream?: string;
  readonly seq?: number;
  readonly duplicate?: boolean;
  readonly domain?: string;
  readonly error?: ApiError;
}

/** JetStream is not enabled for the account (the client's JetStreamNotEnabled). */
const JETSTREAM_NOT_ENABLED = 10039;

/**
 * Publishes to a stream and awaits its acknowledgement over the connection's ReplyMux, where the
 * client's `js.publish` makes a request of its own per publish (ADR 0025). A refusal is the
 * client's `JetStreamApiError`, so callers read its code as before.
 */
export class JetStreamPublisher {
  constructor(
    private readonly requests: ReplyMux,
    private readonly timeoutMs: number,
  ) {}

  async publish(subject: string, payload: string | Uint8Array, options: PublishOptions = {}): Promise<PubAck> {
    const h = publishHeaders(options);
    const reply = await this.requests.request(subject, payload, {
      timeoutMs: this.timeoutMs,
      ...(h ? { headers: h } : {}),
    });
    return parsePubAck(reply);
  }

  /** Publishes with the stream's answer sent to `replyTo`, for whoever listens there (ADR 0026); waits for nothing. */
  send(subject: string, payload: string | Uint8Array, options: PublishOptions, replyTo: string): void {
    const h = publishHeaders(options);
    this.requests.publish(subject, payload, h ? { reply: replyTo, headers: h } : { reply: replyTo });
  }
}

/** The headers a publish with `options` carries (also how a writer counts the bytes it stores). */
export function publishHeaders(options: PublishOptions): MsgHdrs | undefined {
  let h = options.headers;
  if (options.msgID !== undefined || options.expect !== undefined) {
    h ??= natsHeaders();
    if (options.msgID !== undefined) h.set('Nats-Msg-Id', options.msgID);
    if (options.expect !== undefined)
      h.set('Nats-Expected-Last-Subject-Sequence', String(options.expect.lastSubjectSequence));
  }
  return h;
}

/** A stream's answer to a publish, as the client reads it: the ack, or its refusal thrown. */
export function parsePubAck(reply: Msg): PubAck {
  let body: AckBody;
  try {
    body = reply.json<AckBody>();
  } catch {
    throw new JetStreamError('invalid ack response');
  }
  if (body.error?.err_code === JETSTREAM_NOT_ENABLED)
    // As the client reports it: not a 503 to wait out, but a server or account to set up.
    throw new JetStreamError('jetstream is not enabled', { cause: new JetStreamApiError(body.error) });
  if (body.error) throw new JetStreamApiError(body.error);
  if (!body.stream || typeof body.seq !== 'number') throw new JetStreamError('invalid ack response');
  return {
    stream: body.stream,
    seq: body.seq,
    duplicate: body.duplicate === true,
    ...(body.domain !== undefined ? { domain: body.domain } : {}),
  };
}
