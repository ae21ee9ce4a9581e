import { inProject, workOfferPush, type Push, type Session, type WarpApi } from '../../application/index.js';
import { CLAIM_TIMEOUT_MS, WAIT_TIMEOUT_MS, type WorkPolicy } from '../../domain/index.js';
import type { Subscription } from '../../ports/index.js';
import type { HubClient } from './hub-client.js';
import type { SurfacedWire } from './hub-protocol.js';
import { surfacedFromWire, surfacedToWire } from './surfaced-wire.js';
import type { WorkNotice } from './work-notice.js';

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

export interface HubWarpApiOptions {
  readonly hub: HubClient;
  readonly local: LocalOps;
  /** Who the session is (its agent's guid, for the work it is pushed). */
  readonly session: Session;
  /** Hears the hub's notices of new work offers in the session's project. */
  readonly workOffers: (listener: (offer: WorkNotice) => void) => Subscription;
  /** Brings the session's channel directory up to date with a channel the hub just changed. */
  readonly catchUpChannel?: (name: string) => Promise<void>;
  /** Starts following work events, which only watches need. */
  readonly followWork?: () => Promise<void>;
  /**
   * The session's work policy (WORKQUEUE_*), sent with each offer: the item keeps it, whichever
   * hub decides (ADR 0035). Absent, the hub's settings apply.
   */
  readonly policy?: WorkPolicy;
}

/**
 * A thin session's WarpApi: what must be decided against shared state or answered from a read
 * model goes to the hub; channel messages, direct messages and live notices go straight to
 * JetStream through `local`, the session's own use cases over its stores.
 */
export class HubWarpApi implements WarpApi {
  private readonly hub: HubClient;
  private readonly local: LocalOps;
  /** The capabilities of the session's agent as its last registration or presence update set them. */
  private known: { readonly guid: string; readonly capabilities: Promise<readonly string[]> } | undefined;

  constructor(private readonly options: HubWarpApiOptions) {
    this.hub = options.hub;
    this.local = options.local;
  }

  readonly getMyHandle: WarpApi['getMyHandle'] = () => this.local.getMyHandle();
  readonly listChannels: WarpApi['listChannels'] = () => this.local.listChannels();
  readonly sendMessage: WarpApi['sendMessage'] = (input) => this.local.sendMessage(input);
  readonly readMessages: WarpApi['readMessages'] = (input) => this.local.readMessages(input);
  readonly sendDirectMessage: WarpApi['sendDirectMessage'] = (input) => this.local.sendDirectMessage(input);
  readonly readDirectMessages: WarpApi['readDirectMessages'] = (input) => this.local.readDirectMessages(input);
  readonly inboxStatus: WarpApi['inboxStatus'] = () => this.local.inboxStatus();
  readonly startAgentFeed: WarpApi['startAgentFeed'] = async (kinds, push) => {
    // Listening before anything is awaited: an offer made right after the agent started is pushed too.
    const work = kinds.has('work') ? this.options.workOffers((offer) => void this.pushOffer(offer, push)) : undefined;
    const rest = await this.local
      .startAgentFeed(new Set([...kinds].filter((k) => k !== 'work')), push)
      .catch(async (error: unknown) => {
        await work?.close();
        throw error;
      });
    return {
      async close() {
        await work?.close();
        await rest.close();
      },
    };
  };
  readonly watchUpdates: WarpApi['watchUpdates'] = (listener) => this.local.watchUpdates(listener);
  readonly watchWork: WarpApi['watchWork'] = async (listener) => {
    await this.options.followWork?.();
    return this.local.watchWork(listener);
  };

  readonly setHandle: WarpApi['setHandle'] = (input) => this.hub.call('setHandle', input);
  readonly createChannel: WarpApi['createChannel'] = async (input) => {
    const created = await this.hub.call<Result<'createChannel'>>('createChannel', input);
    // So that a message sent right after creating the channel finds it.
    await this.options.catchUpChannel?.(created.channel.name);
    return created;
  };
  readonly registerAgent: WarpApi['registerAgent'] = async (input) =>
    this.remember(await this.hub.call<Result<'registerAgent'>>('registerAgent', input));
  readonly discoverAgents: WarpApi['discoverAgents'] = (input) => this.hub.call('discoverAgents', input);
  readonly getAgentInfo: WarpApi['getAgentInfo'] = (input) => this.hub.call('getAgentInfo', input);
  readonly updatePresence: WarpApi['updatePresence'] = async (input) =>
    this.remember(await this.hub.call<Result<'updatePresence'>>('updatePresence', input));
  readonly deregisterAgent: WarpApi['deregisterAgent'] = async () => {
    const result = await this.hub.call<Result<'deregisterAgent'>>('deregisterAgent');
    this.known = undefined;
    return result;
  };
  readonly broadcastWorkOffer: WarpApi['broadcastWorkOffer'] = (input) =>
    this.hub.call('broadcastWorkOffer', this.options.policy ? { ...input, policy: this.options.policy } : input);
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
  // Paths are made relative to the project root here: only the session knows where it is.
  readonly reservePaths: WarpApi['reservePaths'] = (input) =>
    this.hub.call('reservePaths', inProject(this.options.session, input));
  readonly releasePaths: WarpApi['releasePaths'] = (input) =>
    this.hub.call('releasePaths', inProject(this.options.session, input));
  readonly listReservations: WarpApi['listReservations'] = (input) =>
    this.hub.call('listReservations', inProject(this.options.session, input));
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

  /** Pushes an announced offer to the session's agent if it is qualified and did not make it. */
  private async pushOffer(offer: WorkNotice, push: (p: Push) => void): Promise<void> {
    const guid = this.options.session.guid;
    if (!guid || offer.offeredBy === guid) return;
    const capabilities = await this.capabilitiesOf(guid).catch((): readonly string[] => []);
    if (capabilities.includes(offer.capability)) push(workOfferPush(offer));
  }

  /** Asks the hub once per agent; registrations and presence updates through this session keep it current. */
  private capabilitiesOf(guid: string): Promise<readonly string[]> {
    if (this.known?.guid !== guid) {
      const capabilities = this.hub
        .call<Result<'getAgentInfo'>>('getAgentInfo', { guid })
        .then(({ agent }) => agent.capabilities);
      // A failed lookup is asked again for the next offer.
      capabilities.catch(() => {
        if (this.known?.capabilities === capabilities) this.known = undefined;
      });
      this.known = { guid, capabilities };
    }
    return this.known.capabilities;
  }

  private remember<T extends { readonly agent: { readonly guid: string; readonly capabilities: readonly string[] } }>(
    result: T,
  ): T {
    this.known = { guid: result.agent.guid, capabilities: Promise.resolve(result.agent.capabilities) };
    return result;
  }
}

/** The wait a call asks for, within its limits (the hub refuses anything else before waiting). */
const waitOf = (asked: unknown, limits: { readonly default: number; readonly max: number }): number =>
  typeof asked === 'number' && asked >= 0 ? Math.min(asked, limits.max) : limits.default;
