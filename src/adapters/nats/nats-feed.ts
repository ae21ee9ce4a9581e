import { DeliverPolicy, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NatsBackendConnection } from './nats-connection.js';
import { retryTransient } from './transient.js';

/** Consumer notices after which an ordered consumer may deliver nothing until its next heartbeat check. */
const STALLED = new Set(['consumer_not_found', 'stream_not_found', 'heartbeats_missed']);
/** A pull's lifetime; idle heartbeats (every half of it) reveal a lost consumer within about this long. */
const PULL_EXPIRES_MS = 2_000;
const REOPEN_FIRST_MS = 100;
const REOPEN_MAX_MS = 2_000;

/**
 * A live read of a stream's subjects (an ordered consumer) that survives a lost connection or
 * consumer by opening a new consumer after the last delivered sequence.
 *
 * Why not rely on the client's own recovery: after a nats-server restart the ordered consumer
 * is gone, and the client re-creates it but keeps the pull accounting of the lost one, so the new
 * consumer is asked for a couple of messages and then nothing until two heartbeats are missed
 * (30 s with the defaults). A projection fed by it missed work offered after the restart.
 *
 * It owns its loops: whatever `deliver` or the client throws goes to `onError`, and the feed goes
 * on (a message `deliver` failed on is not delivered again), so nothing escapes as an unhandled rejection.
 */
export class ResumableFeed {
  private messages: ConsumerMessages | undefined;
  private delivered = 0;
  private closed = false;
  private reopening: Promise<void> | undefined;
  private stopWatching: () => void = () => {};

  constructor(
    private readonly conn: NatsBackendConnection,
    readonly stream: string,
    /** Subjects to deliver; undefined: the whole stream (cheapest: no filtered pending count to work out). */
    private readonly filter: string | undefined,
    private readonly deliver: (m: JsMsg) => void,
    private readonly onError: (error: unknown) => void,
    /** The sequence the feed starts after (0: from the beginning). */
    after = 0,
  ) {
    this.delivered = after;
  }

  /** Opens the first consumer (failing like any request would); from then on it keeps itself open. */
  async start(): Promise<void> {
    this.stopWatching = this.conn.onReconnect(() => this.reopen());
    try {
      await this.open();
    } catch (error) {
      this.stopWatching();
      throw error;
    }
  }

  /** Stops at once; a consumer still being opened is closed as soon as it is. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopWatching();
    await this.messages?.close();
  }

  private async open(): Promise<void> {
    const from =
      this.delivered > 0
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: this.delivered + 1 }
        : { deliver_policy: DeliverPolicy.All };
    const consumer = await retryTransient(
      () =>
        this.conn.orderedConsumer(this.stream, { ...(this.filter ? { filter_subjects: this.filter } : {}), ...from }),
      this.conn.retry,
    );
    const messages = await consumer.consume({ expires: PULL_EXPIRES_MS });
    if (this.closed) {
      await messages.close();
      return;
    }
    this.messages = messages;
    void (async () => {
      for await (const notice of messages.status()) {
        if (STALLED.has(notice.type)) return this.reopen(messages);
      }
    })().catch(this.onError);
    void (async () => {
      for await (const m of messages) {
        // A replaced consumer may still hand over what its successor delivers again.
        if (m.seq <= this.delivered) continue;
        this.delivered = m.seq;
        try {
          this.deliver(m);
        } catch (error) {
          this.onError(error);
        }
      }
    })().catch((error: unknown) => {
      this.onError(error);
      this.reopen(messages);
    });
  }

  /** Replaces the consumer (`stalled`, when given, unless already replaced), trying again with backoff until that works or the feed is closed. */
  private reopen(stalled?: ConsumerMessages): void {
    if (this.closed || this.reopening || (stalled && stalled !== this.messages)) return;
    const stale = this.messages;
    this.messages = undefined;
    void stale?.close().catch(() => undefined);
    this.reopening = (async () => {
      for (let delay = REOPEN_FIRST_MS; !this.closed; delay = Math.min(delay * 2, REOPEN_MAX_MS)) {
        try {
          return await this.open();
        } catch {
          await sleep(delay);
        }
      }
    })().finally(() => (this.reopening = undefined));
  }
}
