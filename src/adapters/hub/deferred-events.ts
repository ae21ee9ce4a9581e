import type { AggregateKind, EventStore, StoredBatch, StreamId } from '../../ports/index.js';
import type { NatsEventStore } from '../nats/nats-event-store.js';

/** Readies an append whose stream ack goes to a session's subject (ADR 0026). */
export type DeferredSender = Pick<NatsEventStore, 'prepareDeferred' | 'refusedDeferred'>;

export interface Deferral {
  readonly events: EventStore;
  /** Whether an append was deferred (the answer then says so). */
  deferred(): boolean;
  /** Sends the deferred append, if any: right before the answer, so both leave in one write. */
  send(): void;
  /** Drops it unsent (the request failed after all): nothing is stored, the model is told so. */
  drop(): void;
  /** Whether the deferred append was stored, once the hub knows (its feed, a refusal, or its wait ends). */
  stored(): Promise<boolean>;
}

/**
 * The event store one deferred request sees (ADR 0026): its first append is readied, not awaited,
 * and goes out with the answer, the stream's ack sent to the session's `replyTo`; any later append
 * waits for the store as usual.
 */
export function deferredEvents(events: EventStore, sender: DeferredSender, replyTo: string): Deferral {
  let pending: { send: () => void; settled: (revision: number | undefined) => void } | undefined;
  let deferred = false;
  let outcome!: (stored: boolean) => void;
  const stored = new Promise<boolean>((resolve) => (outcome = resolve));
  return {
    deferred: () => deferred,
    stored: () => stored,
    send() {
      const sending = pending;
      pending = undefined;
      if (!sending) return;
      try {
        sending.send();
      } catch (error) {
        // Not sent (the connection is closing, say): nothing will be stored, and the model must not wait.
        sending.settled(undefined);
        throw error;
      }
    },
    drop() {
      pending?.settled(undefined);
      pending = undefined;
    },
    events: {
      read: <E>(stream: StreamId) => events.read<E>(stream),
      append: <E>(stream: StreamId, batch: readonly E[], expectedRevision: number, idempotencyKey?: string) =>
        events.append(stream, batch, expectedRevision, idempotencyKey),
      appendDeferred: <E>(
        stream: StreamId,
        batch: readonly E[],
        expectedRevision: number,
        settled: (revision: number | undefined) => void,
      ): boolean => {
        if (deferred) return false;
        const settle = (revision: number | undefined): void => {
          outcome(revision !== undefined);
          settled(revision);
        };
        const send = sender.prepareDeferred(stream, batch, expectedRevision, replyTo, settle);
        if (!send) return false;
        pending = { send, settled: settle };
        deferred = true;
        return true;
      },
      compact: <E>(stream: StreamId, snapshot: readonly E[], expectedRevision: number, replaced?: readonly number[]) =>
        events.compact(stream, snapshot, expectedRevision, replaced),
      purge: (stream: StreamId) => events.purge(stream),
      subscribe: <E>(
        namespace: string,
        kind: AggregateKind,
        handler: (batch: StoredBatch<E>) => void,
        options?: { after?: number },
      ) => events.subscribe(namespace, kind, handler, options),
      head: (namespace: string, kind: AggregateKind) => events.head(namespace, kind),
      follow: <E>(namespace: string, kind: AggregateKind, handler: (batch: StoredBatch<E>) => void) =>
        events.follow(namespace, kind, handler),
    },
  };
}
