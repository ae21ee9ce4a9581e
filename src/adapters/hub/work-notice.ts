import type { NatsConnection } from '@nats-io/nats-core';
import { z } from 'zod';
import { assertToken } from '../nats/nats-names.js';

/**
 * Agents with credentials follow no JetStream stream, so the hub that accepted a new work offer
 * tells the offer's project on a subject only the hub may publish to.
 */
export const workNotice = (namespace: string): string => `warp.notify.${assertToken(namespace)}.work`;

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
