import type { WarpApi } from '../../application/index.js';
import { CLAIM_TIMEOUT_MS, WAIT_TIMEOUT_MS } from '../../domain/index.js';
import type { HubClient } from './hub-client.js';
import type { SurfacedWire } from './hub-protocol.js';
import { surfacedFromWire, surfacedToWire } from './surfaced-wire.js';

type Result<K extends keyof WarpApi> = Awaited<ReturnType<WarpApi[K]>>;

/** What a thin session does itself rather than asking the hub (an agent with credentials asks it for messages too). */
export type LocalOps = Pick<
  WarpApi,
  | 'getMyHandle'
  | 'listChannels'
  | 'sendMessage'
  | 'readMessages'
  | 'sendDirectMessage'
  | 'readDirectMessages'
  | 'inboxStatus'
  | 'startAgentFeed'
  | 'watchUpdates'
  | 'watchWork'
>;

/**
 * A thin session's WarpApi: what must be decided against shared state or answered from a read
 * model goes to the hub; channel messages, direct messages and live notices go straight to
 * JetStream through `local`, the session's own use cases over its stores.
 */
export class HubWarpApi implements WarpApi {
  constructor(
    private readonly hub: HubClient,
    private readonly local: LocalOps,
    /** Brings the session's channel directory up to date with a channel the hub just changed. */
    private readonly catchUpChannel: (name: string) => Promise<void>,
    /** Starts following work events, which only push and watches need. */
    private readonly followWork: () => Promise<void> = () => Promise.resolve(),
  ) {}

  readonly getMyHandle: WarpApi['getMyHandle'] = () => this.local.getMyHandle();
  readonly listChannels: WarpApi['listChannels'] = () => this.local.listChannels();
  readonly sendMessage: WarpApi['sendMessage'] = (input) => this.local.sendMessage(input);
  readonly readMessages: WarpApi['readMessages'] = (input) => this.local.readMessages(input);
  readonly sendDirectMessage: WarpApi['sendDirectMessage'] = (input) => this.local.sendDirectMessage(input);
  readonly readDirectMessages: WarpApi['readDirectMessages'] = (input) => this.local.readDirectMessages(input);
  readonly inboxStatus: WarpApi['inboxStatus'] = () => this.local.inboxStatus();
  readonly startAgentFeed: WarpApi['startAgentFeed'] = async (kinds, push) => {
    if (kinds.has('work')) await this.followWork();
    return this.local.startAgentFeed(kinds, push);
  };
  readonly watchUpdates: WarpApi['watchUpdates'] = (listener) => this.local.watchUpdates(listener);
  readonly watchWork: WarpApi['watchWork'] = async (listener) => {
    await this.followWork();
    return this.local.watchWork(listener);
  };

  readonly setHandle: WarpApi['setHandle'] = (input) => this.hub.call('setHandle', input);
  readonly createChannel: WarpApi['createChannel'] = async (input) => {
    const created = await this.hub.call<Result<'createChannel'>>('createChannel', input);
    // So that a message sent right after creating the channel finds it.
    await this.catchUpChannel(created.channel.name);
    return created;
  };
  readonly registerAgent: WarpApi['registerAgent'] = (input) => this.hub.call('registerAgent', input);
  readonly discoverAgents: WarpApi['discoverAgents'] = (input) => this.hub.call('discoverAgents', input);
  readonly getAgentInfo: WarpApi['getAgentInfo'] = (input) => this.hub.call('getAgentInfo', input);
  readonly updatePresence: WarpApi['updatePresence'] = (input) => this.hub.call('updatePresence', input);
  readonly deregisterAgent: WarpApi['deregisterAgent'] = () => this.hub.call('deregisterAgent');
  readonly broadcastWorkOffer: WarpApi['broadcastWorkOffer'] = (input) => this.hub.call('broadcastWorkOffer', input);
  readonly claimWork: WarpApi['claimWork'] = (input) =>
    this.hub.call('claimWork', input, { waitMs: waitOf(input.timeout, CLAIM_TIMEOUT_MS) });
  readonly completeWork: WarpApi['completeWork'] = (input) => this.hub.call('completeWork', input);
  readonly failWork: WarpApi['failWork'] = (input) => this.hub.call('failWork', input);
  readonly reportWorkProgress: WarpApi['reportWorkProgress'] = (input) => this.hub.call('reportWorkProgress', input);
  readonly getWorkItem: WarpApi['getWorkItem'] = (input) => this.hub.call('getWorkItem', input);
  readonly listWork: WarpApi['listWork'] = (input) => this.hub.call('listWork', input);
  readonly listDeadLetterItems: WarpApi['listDeadLetterItems'] = (input) => this.hub.call('listDeadLetterItems', input);
  readonly retryDeadLetterItem: WarpApi['retryDeadLetterItem'] = (input) => this.hub.call('retryDeadLetterItem', input);
  readonly discardDeadLetterItem: WarpApi['discardDeadLetterItem'] = (input) =>
    this.hub.call('discardDeadLetterItem', input);
  readonly waitForMessages: WarpApi['waitForMessages'] = (input) =>
    this.hub.call('waitForMessages', input, { waitMs: waitOf(input.timeoutMs, WAIT_TIMEOUT_MS) });
  readonly agentDigest: WarpApi['agentDigest'] = async (surfaced, moment) => {
    const answer = await this.hub.call<{ digest: Result<'agentDigest'>; surfaced: SurfacedWire }>('agentDigest', {
      surfaced: surfacedToWire(surfaced),
      moment,
    });
    surfacedFromWire(answer.surfaced, surfaced);
    return answer.digest;
  };
}

/** The wait a call asks for, within its limits (the hub refuses anything else before waiting). */
const waitOf = (asked: unknown, limits: { readonly default: number; readonly max: number }): number =>
  typeof asked === 'number' && asked >= 0 ? Math.min(asked, limits.max) : limits.default;
