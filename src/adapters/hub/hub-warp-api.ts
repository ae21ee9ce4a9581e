import {
  OPERATIONS,
  callOperation,
  operationMethods,
  workOfferPush,
  type AnyOperation,
  type Feeds,
  type InputOf,
  type OperationName,
  type Operations,
  type OutputOf,
  type Push,
  type Session,
  type WarpApi,
} from '../../application/index.js';
import { qualifiesForOffer, type WorkPolicy } from '../../domain/index.js';
import type { Subscription } from '../../ports/index.js';
import type { HubClient } from './hub-client.js';
import type { HubOp } from './hub-protocol.js';
import type { WorkNotice } from './work-notice.js';

type Result<K extends OperationName> = OutputOf<Operations[K]>;

/** What a thin session does itself rather than asking the hub (an agent with credentials asks it for messages too). */
export type LocalOps = Pick<WarpApi, LocalName> & Feeds;
type LocalName = { [K in OperationName]: Operations[K]['at'] extends 'hub' ? never : K }[OperationName];

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
 * JetStream through `local`, the session's own use cases over its stores. What the session does
 * around a few hub calls (catching up a channel it created, remembering its agent's capabilities
 * for pushes, sending its work policy with offers) is written out below; the rest is the table's.
 */
export function hubWarpApi(options: HubWarpApiOptions): WarpApi {
  const { hub, local, session, policy } = options;
  const ask = <K extends OperationName>(name: K, input: InputOf<Operations[K]>): Promise<Result<K>> => {
    const operation = OPERATIONS[name] as AnyOperation;
    const sent = operation.prepare ? operation.prepare(session, input as never) : input;
    const waitMs = operation.waits?.(input as never);
    return hub.call<Result<K>>(name as HubOp, sent, waitMs !== undefined ? { waitMs } : {});
  };
  const capabilities = new KnownCapabilities((guid) =>
    ask('getAgentInfo', { guid }).then(({ agent }) => agent.capabilities),
  );
  const remember = <T extends { readonly agent: { readonly guid: string; readonly capabilities: readonly string[] } }>(
    result: T,
  ): T => {
    capabilities.set(result.agent.guid, result.agent.capabilities);
    return result;
  };
  return {
    ...operationMethods((name, input) =>
      OPERATIONS[name].at === 'hub' ? ask(name, input) : callOperation(local, name, input),
    ),
    createChannel: async (input) => {
      const created = await ask('createChannel', input);
      // So that a message sent right after creating the channel finds it.
      await options.catchUpChannel?.(created.channel.name);
      return created;
    },
    registerAgent: async (input) => remember(await ask('registerAgent', input)),
    updatePresence: async (input) => remember(await ask('updatePresence', input)),
    deregisterAgent: async () => {
      const result = await ask('deregisterAgent', undefined);
      capabilities.forget();
      return result;
    },
    // The session's work policy goes with each offer: the item keeps it, whichever hub decides (ADR 0035).
    broadcastWorkOffer: (input) => ask('broadcastWorkOffer', policy ? { ...input, policy } : input),
    startAgentFeed: async (kinds, push) => {
      // Listening before anything is awaited: an offer made right after the agent started is pushed too.
      const work = kinds.has('work')
        ? options.workOffers((offer) => void pushOffer(session, capabilities, offer, push))
        : undefined;
      const rest = await local
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
    },
    watchUpdates: (listener) => local.watchUpdates(listener),
    watchWork: async (listener) => {
      await options.followWork?.();
      return local.watchWork(listener);
    },
  };
}

/** Pushes an announced offer to the session's agent if it qualifies for it. */
async function pushOffer(
  session: Session,
  known: KnownCapabilities,
  offer: WorkNotice,
  push: (p: Push) => void,
): Promise<void> {
  const guid = session.guid;
  // Its own offers are not looked up at all.
  if (!guid || offer.offeredBy === guid) return;
  const capabilities = await known.of(guid).catch((): readonly string[] => []);
  if (qualifiesForOffer({ guid, capabilities }, offer)) push(workOfferPush(offer));
}

/**
 * The capabilities of the session's agent as its last registration or presence update set them;
 * asked of the hub once per agent otherwise.
 */
class KnownCapabilities {
  private known: { readonly guid: string; readonly capabilities: Promise<readonly string[]> } | undefined;

  constructor(private readonly lookUp: (guid: string) => Promise<readonly string[]>) {}

  of(guid: string): Promise<readonly string[]> {
    if (this.known?.guid !== guid) {
      const capabilities = this.lookUp(guid);
      // A failed lookup is asked again for the next offer.
      capabilities.catch(() => {
        if (this.known?.capabilities === capabilities) this.known = undefined;
      });
      this.known = { guid, capabilities };
    }
    return this.known.capabilities;
  }

  set(guid: string, capabilities: readonly string[]): void {
    this.known = { guid, capabilities: Promise.resolve(capabilities) };
  }

  forget(): void {
    this.known = undefined;
  }
}
