import { z } from 'zod';
import { ID_PATTERN, NAME_PATTERN } from '../../../domain/index.js';
import type { AggregateKind, StreamId } from '../../../ports/index.js';
import { agentEventSchema, channelEventSchema, workItemEventSchema } from './domain-schemas.js';
import { reservationEventSchema } from './reservation-schemas.js';

/** The events of one decision, as one message (`{ events: [...] }`), per aggregate kind. */
const batchSchemas = {
  agent: z.object({ events: z.array(agentEventSchema).min(1) }),
  channel: z.object({ events: z.array(channelEventSchema).min(1) }),
  work: z.object({ events: z.array(workItemEventSchema).min(1) }),
  reservation: z.object({ events: z.array(reservationEventSchema).min(1) }),
} as const satisfies Record<AggregateKind, z.ZodType>;

export type StoredEvent = z.output<(typeof batchSchemas)[AggregateKind]>['events'][number];

export const batchSchema = (kind: AggregateKind): z.ZodType<{ events: StoredEvent[] }> => batchSchemas[kind];

const KINDS: readonly string[] = Object.keys(batchSchemas);

/** The aggregate a subject `warp.ev.<namespace>.<kind>.<id>` names, or undefined when it names none Warp makes. */
export function streamOfSubject(subject: string): StreamId | undefined {
  const [warp, ev, namespace, kind, id, ...rest] = subject.split('.');
  if (warp !== 'warp' || ev !== 'ev' || rest.length || !namespace || !kind || !id) return undefined;
  if (!NAME_PATTERN.test(namespace) || !KINDS.includes(kind)) return undefined;
  if (!(kind === 'channel' ? NAME_PATTERN : ID_PATTERN).test(id)) return undefined;
  return { namespace, kind: kind as AggregateKind, id };
}

/** Why an event names another aggregate than the stream it is stored in, or undefined when it does not. */
export function foreignTo(stream: StreamId, event: StoredEvent): string | undefined {
  const elsewhere = (what: string, value: string, expected: string): string | undefined =>
    value === expected ? undefined : `${event.type} names ${what} ${value}, but is stored under ${expected}`;
  switch (event.type) {
    case 'WorkOffered':
      return (
        elsewhere('item', event.spec.id, stream.id) ?? elsewhere('project', event.spec.namespace, stream.namespace)
      );
    case 'AgentRegistered':
      return (
        elsewhere('agent', event.profile.guid, stream.id) ??
        elsewhere('project', event.profile.namespace, stream.namespace)
      );
    case 'WorkItemCompacted':
      return (
        elsewhere('item', event.state.spec.id, stream.id) ??
        elsewhere('project', event.state.spec.namespace, stream.namespace)
      );
    case 'AgentCompacted':
      return (
        elsewhere('agent', event.state.profile.guid, stream.id) ??
        elsewhere('project', event.state.profile.namespace, stream.namespace)
      );
    case 'ChannelCreated':
      return elsewhere('channel', event.name, stream.id);
    default:
      return undefined;
  }
}
