import { mentions, qualifiesForOffer } from '../../domain/index.js';
import { discoverAgents } from '../registry/discover-agents.js';
import type { AppDeps } from '../shared/deps.js';
import type { Surfaced } from './surfaced.js';

/** The turn boundary asking: a session start, a prompt, or the agent about to stop. */
export type DigestMoment = 'session-start' | 'prompt' | 'stop';

export interface DigestMessage {
  readonly id: string;
  readonly from: string;
  readonly text: string;
  readonly channel?: string;
  readonly fromGuid?: string;
}

export interface DigestOffer {
  readonly workItemId: string;
  readonly capability: string;
  readonly priority: number;
  readonly text: string;
}

export interface AgentDigest {
  /** Undefined until the session has registered: then there is nothing to deliver yet. */
  readonly agent?: { readonly handle: string; readonly guid: string };
  readonly directMessages: readonly DigestMessage[];
  readonly mentions: readonly DigestMessage[];
  readonly offers: readonly DigestOffer[];
  readonly online: ReadonlyArray<{ readonly handle: string; readonly agentType: string }>;
  /** Unread direct messages and mentions beyond those listed. */
  readonly more: number;
}

const MAX_ITEMS = 10;
const TEXT_LIMIT = 500;
/** Mentions are looked for among at most this many of a channel's newest unread messages. */
const SCAN_LIMIT = 200;

const cut = (text: string): string => (text.length > TEXT_LIMIT ? `${text.slice(0, TEXT_LIMIT)}…` : text);

/**
 * What is new for this agent at a turn boundary, each item once: unread direct messages,
 * unread channel messages that mention its @handle, work offers it qualifies for and who
 * came online. At `stop` it lists every unread direct message and mention, surfaced or not,
 * since those are what should keep the agent from stopping. Marks nothing read.
 */
export async function agentDigest(deps: AppDeps, surfaced: Surfaced, moment: DigestMoment): Promise<AgentDigest> {
  const { session, channelLog, inbox } = deps;
  const guid = session.guid;
  const handle = session.handle;
  if (!guid || !handle) return { directMessages: [], mentions: [], offers: [], online: [], more: 0 };
  const all = moment === 'stop';

  const peek = await inbox.peek(guid, { after: all ? 0 : surfaced.dm, limit: MAX_ITEMS });
  const unreadDms = all ? await inbox.unread(guid) : 0;
  const directMessages = peek.messages
    .filter((m) => m.senderGuid !== guid)
    .map((m) => ({ id: m.id, from: m.senderHandle, fromGuid: m.senderGuid, text: cut(m.body) }));
  surfaced.dm = Math.max(surfaced.dm, ...peek.messages.map((m) => Number(m.id)));

  const found: DigestMessage[] = [];
  for (const channel of deps.channels.open().map((c) => c.name)) {
    const [position, cursor] = await Promise.all([
      channelLog.position(session.namespace, channel),
      deps.cursors.get(session.namespace, guid, channel),
    ]);
    const from = Math.max(cursor, all ? 0 : (surfaced.channels.get(channel) ?? 0), position.last - SCAN_LIMIT);
    if (position.last <= from) continue;
    const { messages } = await channelLog.read(session.namespace, channel, { after: from, limit: SCAN_LIMIT });
    for (const m of messages)
      if (m.senderGuid !== guid && mentions(m.body, handle))
        found.push({ id: m.id, channel, from: m.senderHandle, text: cut(m.body) });
    surfaced.channels.set(channel, Math.max(surfaced.channels.get(channel) ?? 0, position.last));
  }

  const offers: DigestOffer[] = [];
  let online: AgentDigest['online'] = [];
  if (!all) {
    const agent = { guid, capabilities: (await deps.registry.get(guid))?.profile.capabilities ?? [] };
    const offered = deps.work.live((s) => s.status === 'offered');
    surfaced.keepWork(new Set(offered.map((e) => e.state.spec.id)));
    for (const { state } of offered) {
      const spec = state.spec;
      if (!qualifiesForOffer(agent, spec) || surfaced.work.has(spec.id)) continue;
      surfaced.work.add(spec.id);
      offers.push({
        workItemId: spec.id,
        capability: spec.capability,
        priority: spec.priority,
        text: cut(spec.description),
      });
    }
    offers.sort((a, b) => b.priority - a.priority);
    const agents = (await discoverAgents(deps, {})).agents.filter((a) => a.guid !== guid);
    const before = surfaced.online;
    surfaced.online = new Set(agents.map((a) => a.guid));
    online = agents.filter((a) => !before?.has(a.guid)).map((a) => ({ handle: a.handle, agentType: a.agentType }));
  }

  const shownMentions = found.slice(-MAX_ITEMS);
  return {
    agent: { handle, guid },
    directMessages,
    mentions: shownMentions,
    offers: offers.slice(0, MAX_ITEMS),
    online: online.slice(0, 20),
    more: (all ? Math.max(0, unreadDms - peek.messages.length) : 0) + found.length - shownMentions.length,
  };
}
