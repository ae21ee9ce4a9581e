import type { Msg, NatsConnection } from '@nats-io/nats-core';
import { z } from 'zod';
import type { Subscription } from '../../ports/index.js';
import type { StoredValueDecoder } from '../nats/codecs/stored-value-decoder.js';
import { workNotice } from '../nats/nats-names.js';
import { NOTICES } from '../nats/nats-notices.js';

export const workNoticeSchema = z.object({
  workItemId: z.string().max(128),
  taskId: z.string().max(1_024),
  description: z.string().max(1_048_576),
  capability: z.string().max(256),
  priority: z.number().int(),
  offeredBy: z.string().max(128),
});

export type WorkNotice = z.infer<typeof workNoticeSchema>;

const offerSchema = z.object({ created: z.literal(true), workItem: workNoticeSchema });

/**
 * The hub that accepted a new work offer tells the offer's project on a subject only the hub may
 * publish to: how thin sessions push work, without following (and decoding) every work event.
 */
export function publishWorkNotice(
  nc: NatsConnection,
  namespace: string,
  result: unknown,
  onError: (error: unknown) => void,
): void {
  const offer = offerSchema.safeParse(result);
  if (!offer.success) return;
  const { workItemId, taskId, description, capability, priority, offeredBy } = offer.data.workItem;
  try {
    nc.publish(
      workNotice(namespace),
      JSON.stringify({ workItemId, taskId, description, capability, priority, offeredBy }),
    );
  } catch (error) {
    onError(error);
  }
}

/**
 * Hears the offers announced to `namespace`, at most once each (a missed push loses no work: the
 * item waits in the queue). A notice that does not decode is skipped and counted, like any value read back.
 */
export function subscribeWorkNotices(
  nc: NatsConnection,
  namespace: string,
  decoder: StoredValueDecoder,
  listener: (offer: WorkNotice) => void,
  onError: (error: unknown) => void,
): Subscription {
  const sub = nc.subscribe(workNotice(namespace), {
    callback: (error: Error | null, m: Msg): void => {
      if (error) return onError(error);
      const offer = decoder.decode(workNoticeSchema, m.data, { source: NOTICES, subject: m.subject });
      if (offer) listener(offer);
    },
  });
  return { close: async () => sub.unsubscribe() };
}
