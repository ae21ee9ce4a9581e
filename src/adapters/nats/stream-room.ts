import { DiscardPolicy, type StreamConfig, type StreamInfo } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/nats-core';

/**
 * The bytes a message takes in a file-backed stream (nats-server's `fileStoreMsgSize`): a 22-byte
 * record head, the subject, the headers with their 4-byte length, the payload and an 8-byte hash.
 * A memory-backed stream counts less, so this is an upper bound for either.
 */
export function recordBytes(subject: string, headerBytes: number, payloadBytes: number): number {
  return 22 + Buffer.byteLength(subject) + (headerBytes > 0 ? 4 + headerBytes : 0) + payloadBytes + 8;
}

/** The length of `h` as the client writes it: `NATS/1.0`, a CRLF and `key: value` per value, two CRLFs. */
export function headerBytes(h: MsgHdrs | undefined): number {
  if (!h) return 0;
  let bytes = 'NATS/1.0'.length + 4;
  for (const [key, values] of h)
    for (const value of values) bytes += 4 + Buffer.byteLength(key) + Buffer.byteLength(value);
  return bytes;
}

/** The byte limit a stream refuses writes past (`discard: new`), or undefined when it has none. */
export function refusingLimit(config: Pick<StreamConfig, 'discard' | 'max_bytes'>): number | undefined {
  return config.discard === DiscardPolicy.New && config.max_bytes > 0 ? config.max_bytes : undefined;
}

/** A stream's room as its info counts it, or null when it has no byte limit to keep to. */
export function roomOf(info: Pick<StreamInfo, 'config' | 'state'>): StreamRoom | null {
  const limit = refusingLimit(info.config);
  return limit === undefined ? null : new StreamRoom(limit, info.state.bytes, info.state.last_seq);
}

/**
 * How many more bytes a stream with a byte limit can take, as far as this process can tell.
 *
 * nats-server before nats-io/nats-server#4772 (November 2023; 2.9.10 among them) checks a write
 * against a `discard: new` stream's `max_bytes` by its payload and headers alone, then stores it
 * with its subject and record overhead and, once the stream is past its limit, removes the stream's
 * oldest messages, whatever the discard policy. A write within that overhead of the limit is
 * therefore acknowledged while an older, acknowledged one is deleted (ADR 0023's amendment). A
 * writer checks each whole record against the room itself and sends only what fits, so the
 * server's check never meets that case.
 *
 * The room never overstates what is free: it starts from the server's count, and everything that
 * may have been stored since is taken from it, this process's writes when they go out and other
 * writers' as the stream's feed delivers them. Deletions are not seen, so a write that does not
 * fit asks the server again (`refreshing`) before it is refused.
 *
 * @example
 *   const room = new StreamRoom(16_384, 14_364, 7);
 *   room.fits(2_052); // false: 14,364 + 2,052 would be past 16,384
 */
export class StreamRoom {
  private room: number;
  /** Writes sent whose outcome this process has not learnt yet: they may be stored after any count. */
  private inFlight = 0;
  /** What was taken while a count was under way, since it may have been stored after the count. */
  private during: number | undefined;

  constructor(
    /** The stream's `max_bytes`, as of the last count. */
    public limit: number,
    stored: number,
    /** The stream's newest sequence the count covers: what the feed delivers up to it is in the count. */
    private counted: number,
  ) {
    this.room = limit - stored;
  }

  fits(bytes: number): boolean {
    return bytes <= this.room;
  }

  /** A write of `bytes` goes out; call what it returns once its outcome is known (stored or not). */
  take(bytes: number): () => void {
    this.use(bytes);
    this.inFlight += bytes;
    let open = true;
    return () => {
      if (open) this.inFlight -= bytes;
      open = false;
    };
  }

  /** The feed delivered the message stored at `sequence`, of `bytes`: another writer's, or this process's again. */
  seen(sequence: number, bytes: number): void {
    if (sequence > this.counted) this.use(bytes);
  }

  /** A count of the stream begins: returns where its result goes (the limit, the bytes held and the newest sequence). */
  refreshing(): (limit: number, stored: number, counted: number) => void {
    const carried = this.inFlight;
    this.during = 0;
    return (limit, stored, counted) => {
      this.limit = limit;
      this.room = limit - stored - carried - (this.during ?? 0);
      this.counted = Math.max(this.counted, counted);
      this.during = undefined;
    };
  }

  private use(bytes: number): void {
    this.room -= bytes;
    if (this.during !== undefined) this.during += bytes;
  }
}
