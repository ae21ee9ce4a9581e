import { checkName, ValidationError } from '../../domain/index.js';
import type { BusNotice } from '../../ports/index.js';
import type { AppDeps } from '../shared/deps.js';

export interface WaitForMessagesInput {
  readonly channels?: readonly string[];
  readonly includeDirect?: boolean;
  /** Also wake for new work offers this agent is qualified for (default true). */
  readonly includeWork?: boolean;
  readonly timeoutMs?: number;
}

export interface Arrival {
  readonly kind: 'channel' | 'direct' | 'work';
  readonly channel?: string;
  readonly messageId?: string;
  readonly workItemId?: string;
  readonly from: string;
  readonly preview: string;
}

export interface WaitForMessagesOutput {
  readonly arrivals: Arrival[];
  readonly timedOut: boolean;
  /** What was already waiting when the call started (unread channel messages, inbox). */
  readonly pending: { readonly inbox: number; readonly channels: Readonly<Record<string, number>> };
}

const preview = (text: string): string => (text.length > 200 ? `${text.slice(0, 200)}…` : text);

function arrivalOf(notice: BusNotice): Arrival {
  const m = notice.message;
  return notice.kind === 'channel'
    ? {
        kind: 'channel',
        channel: notice.message.channel,
        messageId: m.id,
        from: m.senderHandle,
        preview: preview(m.body),
      }
    : { kind: 'direct', messageId: m.id, from: m.senderHandle, preview: preview(m.body) };
}

async function pendingNow(
  deps: AppDeps,
  channels: readonly string[],
  includeDirect: boolean,
): Promise<WaitForMessagesOutput['pending']> {
  const guid = deps.session.guid;
  if (!guid) return { inbox: 0, channels: {} };
  const counts: Record<string, number> = {};
  for (const channel of channels) {
    const { first, last } = await deps.bus.position(deps.session.namespace, channel);
    const cursor = await deps.cursors.get(deps.session.namespace, guid, channel);
    const unread = Math.max(0, last - Math.max(cursor, first - 1));
    if (unread > 0) counts[channel] = unread;
  }
  return { inbox: includeDirect ? await deps.bus.unreadInbox(guid) : 0, channels: counts };
}

/** Returns as soon as something new arrives for this agent (or is already unread), else empty at the timeout. Reads nothing as read. */
export async function waitForMessages(deps: AppDeps, input: WaitForMessagesInput): Promise<WaitForMessagesOutput> {
  const timeout = input.timeoutMs ?? 20_000;
  if (!Number.isInteger(timeout) || timeout < 0 || timeout > 60_000)
    throw new ValidationError('timeoutMs', 'must be a whole number of ms from 0 to 60000');
  const known = new Set(deps.channels.open().map((c) => c.name));
  const channels = (input.channels ?? [...known]).map((c, i) => checkName(`channels[${i}]`, c));
  for (const c of channels)
    if (!known.has(c)) throw new ValidationError('channels', `channel "${c}" does not exist; see list_channels`);
  const includeDirect = input.includeDirect ?? true;
  const { session } = deps;

  const arrivals: Arrival[] = [];
  const stop = new AbortController();
  const watching = new Set(channels);
  const subscription = await deps.bus.watch(session.namespace, includeDirect ? session.guid : undefined, (notice) => {
    if (
      notice.kind === 'channel' &&
      (!watching.has(notice.message.channel) || (notice.message.senderGuid === session.guid && session.guid))
    )
      return;
    if (notice.kind === 'channel' && !session.guid && notice.message.senderHandle === session.handle) return;
    arrivals.push(arrivalOf(notice));
    stop.abort();
  });
  const capabilities =
    input.includeWork !== false && session.guid
      ? ((await deps.registry.get(session.guid))?.profile.capabilities ?? [])
      : [];
  const stopWork = deps.work.observe((batch) => {
    for (const event of batch.events) {
      if (
        event.type !== 'WorkOffered' ||
        !capabilities.includes(event.spec.capability) ||
        event.spec.offeredBy === session.guid
      )
        continue;
      arrivals.push({
        kind: 'work',
        workItemId: event.spec.id,
        from: event.spec.offeredBy,
        preview: preview(`[${event.spec.capability}] ${event.spec.description}`),
      });
      stop.abort();
    }
  });
  try {
    const pending = await pendingNow(deps, channels, includeDirect);
    if (timeout > 0 && pending.inbox === 0 && Object.keys(pending.channels).length === 0 && arrivals.length === 0) {
      await deps.clock.sleep(timeout, stop.signal);
    }
    return {
      arrivals,
      timedOut: arrivals.length === 0 && pending.inbox === 0 && Object.keys(pending.channels).length === 0,
      pending,
    };
  } finally {
    stopWork();
    stop.abort();
    await subscription.close();
  }
}
