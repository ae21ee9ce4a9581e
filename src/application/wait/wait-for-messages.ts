import {
  checkInRange,
  checkName,
  MAX_WAIT_CHANNELS,
  ValidationError,
  WAIT_TIMEOUT_MS,
  qualifiesForOffer,
  type ChannelMessage,
  type WorkSpec,
  type WorkTaker,
} from '../../domain/index.js';
import type { DirectMessage } from '../../ports/index.js';
import type { AppDeps } from '../shared/deps.js';
import { formatWaitPosition, parseWaitPosition } from './wait-position.js';

export interface WaitForMessagesInput {
  readonly channels?: readonly string[];
  readonly includeDirect?: boolean;
  /** Also wake for new work offers this agent is qualified for (default true). */
  readonly includeWork?: boolean;
  readonly timeoutMs?: number;
  /** The `position` of the previous answer: what arrived since then is returned at once. */
  readonly since?: string;
}

export interface Arrival {
  readonly kind: 'channel' | 'direct' | 'work';
  readonly channel?: string;
  readonly messageId?: string;
  readonly workItemId?: string;
  readonly from: string;
  /** The message body or work description, cut at TEXT_LIMIT characters. */
  readonly text: string;
  readonly truncated?: true;
}

export interface WaitForMessagesOutput {
  readonly arrivals: Arrival[];
  /** Nothing arrived (old unread things never end a wait; they are counted in `pending`). */
  readonly timedOut: boolean;
  /** Besides the arrivals, what is unread as the answer is made: per channel, DMs, claimable offers. */
  readonly pending: {
    readonly inbox: number;
    readonly channels: Readonly<Record<string, number>>;
    readonly work: number;
  };
  /** Pass as `since` to the next wait so nothing that arrives in between is missed. */
  readonly position: string;
}

/** Arrivals returned by one answer; the rest stay after `position` for the next wait. */
export const MAX_ARRIVALS = 20;
export const TEXT_LIMIT = 2000;

const bounded = (text: string): Pick<Arrival, 'text' | 'truncated'> =>
  text.length > TEXT_LIMIT ? { text: `${text.slice(0, TEXT_LIMIT)}…`, truncated: true } : { text };

/**
 * Waits for what arrives after the call — or after `since` — on the chosen channels, in the
 * inbox and as qualified work offers; returns those arrivals with their text. Reads nothing as read.
 */
export async function waitForMessages(deps: AppDeps, input: WaitForMessagesInput): Promise<WaitForMessagesOutput> {
  const timeout = checkInRange('timeoutMs', input.timeoutMs, WAIT_TIMEOUT_MS, { unit: 'ms' });
  const known = new Set(deps.channels.open().map((c) => c.name));
  // Checked here too, not only in the tool's schema: a hub takes this input from any NATS client.
  if (input.channels !== undefined && (!Array.isArray(input.channels) || input.channels.length > MAX_WAIT_CHANNELS))
    throw new ValidationError('channels', `must be a list of at most ${MAX_WAIT_CHANNELS} channel names`);
  const channels = (input.channels ?? [...known]).map((c, i) => checkName(`channels[${i}]`, c));
  for (const c of channels)
    if (!known.has(c)) throw new ValidationError('channels', `channel "${c}" does not exist; see list_channels`);
  const since = input.since !== undefined ? parseWaitPosition(input.since) : undefined;
  const { session, channelLog, inbox, notices } = deps;
  const me = session.guid;
  const includeDirect = (input.includeDirect ?? true) && me !== undefined;
  // Offers arrive only when they are for this agent; none when the session has none or wants no work.
  const taker: WorkTaker | undefined =
    input.includeWork !== false && me
      ? { guid: me, capabilities: (await deps.registry.get(me))?.profile.capabilities ?? [] }
      : undefined;

  const arrivals = new Map<string, Arrival>();
  const woke = new AbortController();
  // Per source, how far this answer covers: it stops before the first arrival that did not fit.
  const covered = new Map<string, number>();
  const full = new Set<string>();
  let baselineKnown = false;
  const early: Array<() => void> = [];

  // Whatever is noticed after subscribing is new, unless `since` already covered it.
  const floor = (source: string): number =>
    source === 'dm' ? (since?.dm ?? 0) : (since?.channels.get(source.slice(1)) ?? 0);
  const accept = (source: string, seq: number, key: string, arrival: Arrival | undefined): void => {
    if (full.has(source) || seq <= floor(source) || arrivals.has(key)) return;
    if (arrival) {
      if (arrivals.size >= MAX_ARRIVALS) {
        full.add(source);
        woke.abort();
        return;
      }
      arrivals.set(key, arrival);
      woke.abort();
    }
    covered.set(source, Math.max(covered.get(source) ?? 0, seq));
  };
  const own = (m: ChannelMessage): boolean => (me ? m.senderGuid === me : m.senderHandle === session.handle);
  const onChannel = (m: ChannelMessage): void =>
    accept(
      `#${m.channel}`,
      Number(m.id),
      `c:${m.channel}:${m.id}`,
      own(m)
        ? undefined
        : { kind: 'channel', channel: m.channel, messageId: m.id, from: m.senderHandle, ...bounded(m.body) },
    );
  const onDirect = (m: DirectMessage): void =>
    accept(
      'dm',
      Number(m.id),
      `d:${m.id}`,
      m.senderGuid === me ? undefined : { kind: 'direct', messageId: m.id, from: m.senderHandle, ...bounded(m.body) },
    );
  const qualifies = (spec: WorkSpec): boolean => taker !== undefined && qualifiesForOffer(taker, spec);
  // Offers are keyed by id (two in the same millisecond both arrive); one seen live is new whatever its clock says.
  const onOffer = (spec: WorkSpec, offeredAt: number): void => {
    if (!qualifies(spec) || arrivals.has(`w:${spec.id}`) || full.has('work')) return;
    if (arrivals.size >= MAX_ARRIVALS) return void full.add('work');
    arrivals.set(`w:${spec.id}`, {
      kind: 'work',
      workItemId: spec.id,
      from: spec.offeredBy,
      ...bounded(`[${spec.capability}] ${spec.description}`),
    });
    covered.set('work', Math.max(covered.get('work') ?? 0, offeredAt));
    woke.abort();
  };

  const watching = new Set(channels);
  const subscription = await notices.watch(session.namespace, includeDirect ? me : undefined, (notice) => {
    const handle = (): void => {
      if (notice.kind === 'channel') {
        if (watching.has(notice.message.channel)) onChannel(notice.message);
      } else if (notice.message.recipientGuid === me) onDirect(notice.message);
    };
    if (baselineKnown) handle();
    else early.push(handle);
  });
  const stopWork = deps.work.observe((batch) => {
    for (const event of batch.events) if (event.type === 'WorkOffered') onOffer(event.spec, event.at);
  });
  try {
    // Baselines: where `since` left off, else where each source stands now (taken after subscribing).
    const startedAt = deps.clock.now();
    const caughtUp: Array<() => void> = [];
    await Promise.all([
      ...channels.map(async (channel) => {
        const from = since?.channels.get(channel);
        if (from === undefined) {
          const { last } = await channelLog.position(session.namespace, channel);
          return void covered.set(`#${channel}`, Math.max(covered.get(`#${channel}`) ?? 0, last));
        }
        covered.set(`#${channel}`, from);
        // Pages on past the agent's own messages (never arrivals) until a full answer's worth is found.
        const messages: ChannelMessage[] = [];
        for (let after = from, pages = 0; pages < 10; pages++) {
          const page = await channelLog.read(session.namespace, channel, { after, limit: MAX_ARRIVALS + 1 });
          messages.push(...page.messages);
          if (page.messages.length <= MAX_ARRIVALS || messages.filter((m) => !own(m)).length > MAX_ARRIVALS) break;
          after = Number(page.messages.at(-1)!.id);
        }
        caughtUp.push(() => messages.forEach(onChannel));
      }),
      (async () => {
        if (!includeDirect) return;
        const peek = await inbox.peek(me, { after: since?.dm ?? 0, limit: MAX_ARRIVALS + 1 });
        if (since?.dm === undefined) return void covered.set('dm', Math.max(covered.get('dm') ?? 0, peek.newest));
        covered.set('dm', since.dm);
        caughtUp.push(() => peek.messages.forEach(onDirect));
      })(),
    ]);
    // Offer times have millisecond resolution: one made in the very millisecond the wait starts is new.
    covered.set('work', Math.max(covered.get('work') ?? 0, since?.work ?? startedAt - 1));
    if (since?.work !== undefined)
      for (const { state } of deps.work.live((s) => s.status === 'offered' && s.offeredAt > since.work!))
        onOffer(state.spec, state.offeredAt);
    for (const replay of caughtUp) replay();
    baselineKnown = true;
    for (const handle of early.splice(0)) handle();

    if (timeout > 0 && arrivals.size === 0 && !deps.released?.aborted)
      await deps.clock.sleep(timeout, deps.released ? AbortSignal.any([woke.signal, deps.released]) : woke.signal);
    const answered = [...arrivals.values()];
    return {
      arrivals: answered,
      timedOut: answered.length === 0,
      pending: await pendingBesides(answered, deps, channels, includeDirect, taker),
      position: formatWaitPosition({
        channels: new Map(channels.map((c) => [c, covered.get(`#${c}`) ?? 0])),
        ...(includeDirect ? { dm: covered.get('dm') ?? 0 } : {}),
        ...(taker?.capabilities.length ? { work: covered.get('work') ?? startedAt - 1 } : {}),
      }),
    };
  } finally {
    stopWork();
    woke.abort();
    await subscription.close();
  }
}

/** What is unread (and claimable) as the answer is made, besides the answer's own arrivals. */
async function pendingBesides(
  arrivals: readonly Arrival[],
  deps: AppDeps,
  channels: readonly string[],
  includeDirect: boolean,
  taker: WorkTaker | undefined,
): Promise<WaitForMessagesOutput['pending']> {
  const guid = deps.session.guid;
  if (!guid) return { inbox: 0, channels: {}, work: 0 };
  const arrived = (kind: Arrival['kind'], channel?: string): number =>
    arrivals.filter((a) => a.kind === kind && a.channel === channel).length;
  const counts: Record<string, number> = {};
  await Promise.all(
    channels.map(async (channel) => {
      const [{ first, last }, cursor] = await Promise.all([
        deps.channelLog.position(deps.session.namespace, channel),
        deps.cursors.get(deps.session.namespace, guid, channel),
      ]);
      const unread = Math.max(0, last - Math.max(cursor, first - 1) - arrived('channel', channel));
      if (unread > 0) counts[channel] = unread;
    }),
  );
  const work = taker ? deps.work.live((s) => s.status === 'offered' && qualifiesForOffer(taker, s.spec)).length : 0;
  const inbox = includeDirect ? Math.max(0, (await deps.inbox.unread(guid)) - arrived('direct')) : 0;
  return { inbox, channels: counts, work: Math.max(0, work - arrived('work')) };
}
