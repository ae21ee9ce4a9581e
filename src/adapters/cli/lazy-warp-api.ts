import type { WarpApi } from '../../application/index.js';
import { DomainError } from '../../domain/index.js';
import { ConfigError } from '../config/index.js';
import { BackendUnavailable } from './exit-codes.js';

export interface Opened {
  readonly app: WarpApi;
  close(): Promise<void>;
}

/**
 * What a failed open becomes: a configuration to fix and a refusal (the CLI's --as taken)
 * stay what they are; anything else means the backend could not be reached.
 */
export function openFailure(error: unknown): Error {
  if (error instanceof ConfigError || error instanceof DomainError || error instanceof BackendUnavailable) return error;
  return new BackendUnavailable(error instanceof Error ? error.message : String(error));
}

/**
 * WarpApi over a runtime opened on first use, so the MCP server answers at once and CLI
 * commands that never touch the backend do not open it. A failed open rejects that call
 * with why (see openFailure) and the next call opens again.
 */
export class LazyWarpApi<R extends Opened = Opened> implements WarpApi {
  private opening: Promise<R> | undefined;

  constructor(private readonly open: () => Promise<R>) {}

  /** The opened runtime, opening it if no open is under way or done. */
  ensure(): Promise<R> {
    this.opening ??= this.open().catch((error: unknown) => {
      this.opening = undefined;
      throw openFailure(error);
    });
    return this.opening;
  }

  /** Closes the runtime if it was opened; nothing to do otherwise. */
  async close(): Promise<void> {
    const runtime = await this.opening?.catch(() => undefined);
    await runtime?.close();
  }

  private async use<T>(call: (app: WarpApi) => Promise<T>): Promise<T> {
    return call((await this.ensure()).app);
  }

  readonly setHandle: WarpApi['setHandle'] = (input) => this.use((app) => app.setHandle(input));
  readonly getMyHandle: WarpApi['getMyHandle'] = () => this.use((app) => app.getMyHandle());
  readonly listChannels: WarpApi['listChannels'] = () => this.use((app) => app.listChannels());
  readonly createChannel: WarpApi['createChannel'] = (input) => this.use((app) => app.createChannel(input));
  readonly sendMessage: WarpApi['sendMessage'] = (input) => this.use((app) => app.sendMessage(input));
  readonly readMessages: WarpApi['readMessages'] = (input) => this.use((app) => app.readMessages(input));
  readonly registerAgent: WarpApi['registerAgent'] = (input) => this.use((app) => app.registerAgent(input));
  readonly discoverAgents: WarpApi['discoverAgents'] = (input) => this.use((app) => app.discoverAgents(input));
  readonly getAgentInfo: WarpApi['getAgentInfo'] = (input) => this.use((app) => app.getAgentInfo(input));
  readonly updatePresence: WarpApi['updatePresence'] = (input) => this.use((app) => app.updatePresence(input));
  readonly deregisterAgent: WarpApi['deregisterAgent'] = () => this.use((app) => app.deregisterAgent());
  readonly sendDirectMessage: WarpApi['sendDirectMessage'] = (input) => this.use((app) => app.sendDirectMessage(input));
  readonly readDirectMessages: WarpApi['readDirectMessages'] = (input) =>
    this.use((app) => app.readDirectMessages(input));
  readonly inboxStatus: WarpApi['inboxStatus'] = () => this.use((app) => app.inboxStatus());
  readonly broadcastWorkOffer: WarpApi['broadcastWorkOffer'] = (input) =>
    this.use((app) => app.broadcastWorkOffer(input));
  readonly claimWork: WarpApi['claimWork'] = (input) => this.use((app) => app.claimWork(input));
  readonly completeWork: WarpApi['completeWork'] = (input) => this.use((app) => app.completeWork(input));
  readonly failWork: WarpApi['failWork'] = (input) => this.use((app) => app.failWork(input));
  readonly reportWorkProgress: WarpApi['reportWorkProgress'] = (input) =>
    this.use((app) => app.reportWorkProgress(input));
  readonly getWorkItem: WarpApi['getWorkItem'] = (input) => this.use((app) => app.getWorkItem(input));
  readonly listWork: WarpApi['listWork'] = (input) => this.use((app) => app.listWork(input));
  readonly listDeadLetterItems: WarpApi['listDeadLetterItems'] = (input) =>
    this.use((app) => app.listDeadLetterItems(input));
  readonly retryDeadLetterItem: WarpApi['retryDeadLetterItem'] = (input) =>
    this.use((app) => app.retryDeadLetterItem(input));
  readonly discardDeadLetterItem: WarpApi['discardDeadLetterItem'] = (input) =>
    this.use((app) => app.discardDeadLetterItem(input));
  readonly reservePaths: WarpApi['reservePaths'] = (input) => this.use((app) => app.reservePaths(input));
  readonly releasePaths: WarpApi['releasePaths'] = (input) => this.use((app) => app.releasePaths(input));
  readonly listReservations: WarpApi['listReservations'] = (input) => this.use((app) => app.listReservations(input));
  readonly waitForMessages: WarpApi['waitForMessages'] = (input) => this.use((app) => app.waitForMessages(input));
  readonly agentDigest: WarpApi['agentDigest'] = (surfaced, moment) =>
    this.use((app) => app.agentDigest(surfaced, moment));
  readonly startAgentFeed: WarpApi['startAgentFeed'] = (kinds, push) =>
    this.use((app) => app.startAgentFeed(kinds, push));
  readonly watchUpdates: WarpApi['watchUpdates'] = (listener) => this.use((app) => app.watchUpdates(listener));
  readonly watchWork: WarpApi['watchWork'] = (listener) => this.use((app) => app.watchWork(listener));
}
