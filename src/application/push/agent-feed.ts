import { mentions, qualifiesForOffer, type WorkItemEvent } from '../../domain/index.js';
import type { Notice, StoredBatch, Subscription } from '../../ports/index.js';
import type { AppDeps } from '../shared/deps.js';
import type { Session } from '../shared/session.js';
import { watchSession } from './session-watch.js';

export type PushKind = 'dm' | 'mentions' | 'work';

/** What reaches the agent unasked: the text and a flat map of string attributes. */
export interface Push {
  readonly kind: 'dm' | 'mention' | 'work';
  readonly content: string;
  readonly meta: Readonly<Record<string, string>>;
}

/** A work offer as announced: what an agent qualified for it is pushed. */
export interface OfferedWork {
  readonly workItemId: string;
  readonly taskId: string;
  readonly description: string;
  readonly capability: string;
  readonly priority: number;
  readonly offeredBy: string;
}

/** How an offer reaches an agent qualified for it. */
export const workOfferPush = (offer: OfferedWork): Push => ({
  kind: 'work',
  content: offer.description,
  meta: {
    kind: 'work',
    work_item_id: offer.workItemId,
    task_id: offer.taskId,
    capability: offer.capability,
    priority: String(offer.priority),
    from: offer.offeredBy,
  },
});

/** The pushes live notices make: direct messages to this agent and channel mentions of its handle. */
export function noticePush(
  session: Session,
  kinds: ReadonlySet<PushKind>,
  push: (p: Push) => void,
): (notice: Notice) => void {
  return (notice: Notice): void => {
    if (notice.kind === 'direct') {
      const m = notice.message;
      if (!kinds.has('dm') || m.recipientGuid !== session.guid || m.senderGuid === session.guid) return;
      push({
        kind: 'dm',
        content: m.body,
        meta: {
          kind: 'dm',
          from: m.senderHandle,
          from_guid: m.senderGuid,
          message_id: m.id,
          message_type: m.messageType,
        },
      });
      return;
    }
    const m = notice.message;
    const me = session.handle;
    if (
      !kinds.has('mentions') ||
      !me ||
      m.senderHandle === me ||
      (session.guid && m.senderGuid === session.guid) ||
      !mentions(m.body, me)
    )
      return;
    push({
      kind: 'mention',
      content: m.body,
      meta: { kind: 'mention', channel: m.channel, from: m.senderHandle, message_id: m.id },
    });
  };
}

/**
 * Turns new direct messages, channel mentions of this agent's handle and work it is
 * qualified for into pushes. Never pushes the agent's own messages; never marks anything read.
 */
export async function startAgentFeed(
  deps: AppDeps,
  kinds: ReadonlySet<PushKind>,
  push: (p: Push) => void,
): Promise<Subscription> {
  const { session } = deps;
  const onNotice = noticePush(session, kinds, push);

  const onWork = async (batch: StoredBatch<WorkItemEvent>): Promise<void> => {
    const guid = session.guid;
    if (!kinds.has('work') || !guid) return;
    for (const event of batch.events) {
      if (event.type !== 'WorkOffered') continue;
      const entry = await deps.registry.get(guid);
      if (!entry || !qualifiesForOffer(entry.profile, event.spec)) continue;
      push(workOfferPush({ ...event.spec, workItemId: event.spec.id }));
    }
  };

  const watch = await watchSession(deps, onNotice);
  const stopWork = deps.work.observe((batch) => void onWork(batch).catch(() => undefined));
  return {
    async close() {
      stopWork();
      await watch.close();
    },
  };
}
