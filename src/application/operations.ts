import { CLAIM_TIMEOUT_MS, WAIT_TIMEOUT_MS, ValidationError, type Range } from '../domain/index.js';
import { createChannel, type CreateChannelInput } from './channels/create-channel.js';
import { listChannels } from './channels/list-channels.js';
import { readMessages } from './channels/read-messages.js';
import { sendMessage } from './channels/send-message.js';
import { syncConfiguredChannels } from './channels/sync-configured-channels.js';
import { agentDigestOf } from './digest/digest-request.js';
import { inboxStatus } from './direct/inbox-status.js';
import { readDirectMessages } from './direct/read-direct-messages.js';
import { sendDirectMessage } from './direct/send-direct-message.js';
import { discardDeadLetterItem } from './dlq/discard-dead-letter-item.js';
import { listDeadLetterItems } from './dlq/list-dead-letter-items.js';
import { retryDeadLetterItem } from './dlq/retry-dead-letter-item.js';
import { getMyHandle } from './identity/get-my-handle.js';
import { setHandle } from './identity/set-handle.js';
import { deregisterAgent } from './registry/deregister-agent.js';
import { discoverAgents, getAgentInfo } from './registry/discover-agents.js';
import { beat, goOffline } from './registry/heartbeat.js';
import { registerAgent } from './registry/register-agent.js';
import { updatePresence } from './registry/update-presence.js';
import { listReservations } from './reservations/list-reservations.js';
import { inProject } from './reservations/reservation-book.js';
import { releasePaths } from './reservations/release-paths.js';
import { reservePaths } from './reservations/reserve-paths.js';
import type { AppDeps } from './shared/deps.js';
import type { Session } from './shared/session.js';
import { waitForMessages } from './wait/wait-for-messages.js';
import { broadcastWorkOffer } from './work/broadcast-work-offer.js';
import { claimWork } from './work/claim-work.js';
import { completeWork } from './work/complete-work.js';
import { failWork } from './work/fail-work.js';
import { getWorkItem } from './work/get-work-item.js';
import { listWork } from './work/list-work.js';
import { reportWorkProgress } from './work/report-work-progress.js';

/**
 * Where a session on NATS has an operation answered:
 * - `session`: by itself, from what it knows (never leaves the process);
 * - `stream`: by its own JetStream calls (channel messages, inboxes); an agent with credentials,
 *   which may not touch JetStream, asks the hub (ADR 0022);
 * - `hub`: by a hub, which decides it against shared state or answers it from a read model (ADR 0018).
 * In memory one process does all three.
 */
export type Where = 'session' | 'stream' | 'hub';

/** One operation of Warp: its use case and what every adapter needs to know to carry it. */
export interface Operation<I, O> {
  /** The use case; it checks its own input, so any adapter may hand it what it got. */
  readonly run: (deps: AppDeps, input: I) => Promise<O>;
  readonly at: Where;
  /** Changes nothing: a repeat is simply answered again (ADR 0037). */
  readonly reads?: true;
  /** Changes who the session is (its handle or agent): the session adopts what the answer says. */
  readonly identity?: true;
  /** Ends with one append that may go out with the answer, its ack to the caller (ADR 0026). */
  readonly appendsLast?: true;
  /** How long the operation itself may wait, from its input (a claim's or a wait's timeout). */
  readonly waits?: (input: I) => number;
  /** What leaves the session for another process: what only the session knows, applied (its project root). */
  prepare?(session: Session, input: I): I;
}

/** Keeps `at` as written, so the hub's list of operations can be derived from the table's type. */
const op = <I, O, W extends Where>(
  operation: Operation<I, O> & { readonly at: W },
): Operation<I, O> & { readonly at: W } => operation;

/** The wait a call asks for, within its limits (the use case refuses anything else before waiting). */
const waitOf = (asked: unknown, limits: Range): number =>
  typeof asked === 'number' && asked >= 0 ? Math.min(asked, limits.max) : limits.default;

/**
 * Every operation of Warp, declared once (ADR 0039): the in-process API, the hub's API for thin and
 * sealed sessions, the lazy CLI API and the hub's dispatcher all derive from this table. An MCP tool
 * or a CLI command calls the operation by its name on WarpApi.
 */
export const OPERATIONS = {
  setHandle: op({ run: setHandle, at: 'hub', identity: true }),
  getMyHandle: op({ run: (deps, _: void) => getMyHandle(deps), at: 'session' }),
  listChannels: op({ run: (deps, _: void) => listChannels(deps), at: 'stream', reads: true }),
  sendMessage: op({ run: sendMessage, at: 'stream' }),
  // Moves the read cursor: a repeat is not simply answered again.
  readMessages: op({ run: readMessages, at: 'stream' }),
  createChannel: op({ run: createChannel, at: 'hub' }),
  waitForMessages: op({
    run: waitForMessages,
    at: 'hub',
    reads: true,
    waits: (input) => waitOf(input.timeoutMs, WAIT_TIMEOUT_MS),
  }),
  registerAgent: op({ run: registerAgent, at: 'hub', identity: true }),
  discoverAgents: op({ run: discoverAgents, at: 'hub', reads: true }),
  getAgentInfo: op({ run: getAgentInfo, at: 'hub', reads: true }),
  updatePresence: op({ run: updatePresence, at: 'hub' }),
  deregisterAgent: op({ run: (deps, _: void) => deregisterAgent(deps), at: 'hub', identity: true }),
  sendDirectMessage: op({ run: sendDirectMessage, at: 'stream' }),
  readDirectMessages: op({ run: readDirectMessages, at: 'stream' }),
  inboxStatus: op({ run: (deps, _: void) => inboxStatus(deps), at: 'stream', reads: true }),
  broadcastWorkOffer: op({ run: broadcastWorkOffer, at: 'hub', appendsLast: true }),
  claimWork: op({
    run: claimWork,
    at: 'hub',
    appendsLast: true,
    waits: (input) => waitOf(input.timeout, CLAIM_TIMEOUT_MS),
  }),
  completeWork: op({ run: completeWork, at: 'hub', appendsLast: true }),
  failWork: op({ run: failWork, at: 'hub', appendsLast: true }),
  reportWorkProgress: op({ run: reportWorkProgress, at: 'hub', appendsLast: true }),
  getWorkItem: op({ run: getWorkItem, at: 'hub', reads: true }),
  listWork: op({ run: listWork, at: 'hub', reads: true }),
  listDeadLetterItems: op({ run: listDeadLetterItems, at: 'hub', reads: true }),
  retryDeadLetterItem: op({ run: retryDeadLetterItem, at: 'hub' }),
  discardDeadLetterItem: op({ run: discardDeadLetterItem, at: 'hub' }),
  // Paths are made relative to the project root before they leave: only the session knows where it is.
  reservePaths: op({ run: reservePaths, at: 'hub', prepare: inProject }),
  releasePaths: op({ run: releasePaths, at: 'hub', prepare: inProject }),
  listReservations: op({ run: listReservations, at: 'hub', reads: true, prepare: inProject }),
  agentDigest: op({ run: agentDigestOf, at: 'hub' }),
};

/**
 * What a thin session leaves to the hub besides the operations: keeping the project's channel
 * configuration and the session's presence. Not part of WarpApi: no agent or person asks for them.
 */
export const AUTHORITY_OPERATIONS = {
  syncChannels: op({
    run: (deps, channels: readonly CreateChannelInput[]) => syncConfiguredChannels(deps, listed(channels)),
    at: 'hub',
  }),
  beat: op({ run: (deps, _: void) => beat(deps), at: 'hub' }),
  goOffline: op({ run: (deps, _: void) => goOffline(deps), at: 'hub' }),
};

function listed(channels: unknown): readonly CreateChannelInput[] {
  if (
    !Array.isArray(channels) ||
    channels.length > 1_000 ||
    !channels.every((c) => typeof c === 'object' && c !== null && !Array.isArray(c))
  )
    throw new ValidationError('channels', 'must be a list of at most 1000 channel definitions');
  return channels as readonly CreateChannelInput[];
}

export type Operations = typeof OPERATIONS;
export type OperationName = keyof Operations;
/** Any operation, whatever its input and result: what a dispatcher by name sees. */
export type AnyOperation = Omit<Operation<never, unknown>, 'prepare'> & {
  prepare?(session: Session, input: never): unknown;
};
export type InputOf<O> = O extends { run: (deps: AppDeps, input: infer I) => Promise<unknown> } ? I : never;
export type OutputOf<O> = O extends { run: (...args: never[]) => Promise<infer R> } ? R : never;

/** Each operation as a method: what WarpApi offers its callers. */
export type OperationMethods = {
  [K in OperationName]: (input: InputOf<Operations[K]>) => Promise<OutputOf<Operations[K]>>;
};

/** Every operation and authority operation by name: what a hub may serve. */
export const HUB_OPERATIONS = { ...OPERATIONS, ...AUTHORITY_OPERATIONS };
export const OPERATION_NAMES = Object.keys(OPERATIONS) as OperationName[];

/** Whether `name` is an operation (not a name inherited from Object). */
export const isOperation = (name: string): name is OperationName => Object.hasOwn(OPERATIONS, name);

/** Runs the use case of `name` for the session `deps` stands for. */
export const runOperation = <K extends OperationName>(
  name: K,
  deps: AppDeps,
  input: InputOf<Operations[K]>,
): Promise<OutputOf<Operations[K]>> =>
  (OPERATIONS[name] as AnyOperation).run(deps, input as never) as Promise<OutputOf<Operations[K]>>;

/** Calls operation `name` on `methods`, one implementation of it among others. */
export const callOperation = <K extends OperationName>(
  methods: Partial<OperationMethods>,
  name: K,
  input: InputOf<Operations[K]>,
): Promise<OutputOf<Operations[K]>> =>
  (methods[name] as unknown as (input: unknown) => Promise<OutputOf<Operations[K]>>)(input);

/** One implementation of every operation, given how to carry out any one of them. */
export function operationMethods(
  carry: <K extends OperationName>(name: K, input: InputOf<Operations[K]>) => Promise<OutputOf<Operations[K]>>,
): OperationMethods {
  const methods = {} as Record<OperationName, (input: never) => Promise<unknown>>;
  for (const name of OPERATION_NAMES) methods[name] = (input) => carry(name, input);
  return methods as OperationMethods;
}
