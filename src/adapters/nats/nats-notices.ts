import type { Msg } from '@nats-io/nats-core';
import type { ChannelMessage } from '../../domain/index.js';
import type { Notice, Notices, Subscription } from '../../ports/index.js';
import { directMessageSchema } from './codecs/domain-schemas.js';
import type { StoredValueDecoder } from './codecs/stored-value-decoder.js';
import { decodeChannelMessage } from './nats-channel-log.js';
import type { NatsBackendConnection } from './nats-connection.js';
import { assertToken, directNotice } from './nats-names.js';

/** Reported as the source of a notice that does not decode. */
export const NOTICES = 'warp.notify';
const SEQUENCE = /^[1-9][0-9]{0,15}$/;

/**
 * Live notices are core-NATS hints: channel streams republish each stored message, and an
 * inbox delivery publishes the stored message after the store.
 */
export class NatsNotices implements Notices {
  constructor(
    private readonly conn: NatsBackendConnection,
    private readonly decoder: StoredValueDecoder,
    private readonly onError: (error: unknown) => void,
  ) {}

  /**
   * Anyone on the server can publish a notice, so each is decoded like a stored value, and the
   * callbacks never throw: an exception there would end the client's reader loop (and print to stdout).
   */
  async watch(ns: string, guid: string | undefined, listener: (notice: Notice) => void): Promise<Subscription> {
    const contained =
      (decode: (m: Msg) => Notice | undefined) =>
      (error: Error | null, m: Msg): void => {
        try {
          if (error) return this.onError(error);
          const notice = decode(m);
          if (notice) listener(notice);
        } catch (failure) {
          this.onError(failure);
        }
      };
    const subs = [
      this.conn.nc.subscribe(`warp.notify.${assertToken(ns)}.ch.*`, {
        callback: contained((m) => {
          const message = this.channelNotice(m);
          return message && { kind: 'channel', namespace: ns, message };
        }),
      }),
    ];
    if (guid) {
      subs.push(
        this.conn.nc.subscribe(directNotice(guid), {
          callback: contained((m) => {
            const message = this.decoder.decode(directMessageSchema, m.data, { source: NOTICES, subject: m.subject });
            if (!message || message.recipientGuid === guid) return message && { kind: 'direct', message };
            this.decoder.reject(
              { source: NOTICES, subject: m.subject },
              `a notice for ${message.recipientGuid}`,
              m.data,
            );
            return undefined;
          }),
        }),
      );
    }
    // Makes sure the server has the interest before callers rely on it.
    await this.conn.nc.flush();
    return { close: async () => subs.forEach((s) => s.unsubscribe()) };
  }

  /** Republished by the channel's stream: the stored message, its sequence in a header. */
  private channelNotice(m: Msg): ChannelMessage | undefined {
    const sequence = m.headers?.get('Nats-Sequence') ?? '';
    if (!SEQUENCE.test(sequence)) {
      this.decoder.reject({ source: NOTICES, subject: m.subject }, 'no valid Nats-Sequence header', m.data);
      return undefined;
    }
    const channel = m.subject.split('.').pop() ?? '';
    const origin = { source: NOTICES, subject: m.subject, sequence: Number(sequence) };
    return decodeChannelMessage(this.decoder, origin, channel, m.data);
  }
}
