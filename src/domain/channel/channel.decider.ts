import { Conflict, NotFound, UnknownCommand, ValidationError } from '../shared/domain-error.js';
import type { Decider } from '../shared/decider.js';
import {
  checkReservations,
  checkRetention,
  checkRoomForChannels,
  reservedBytes,
  type ChannelLimits,
  type ChannelReservations,
  type Retention,
} from './channel-limits.js';

export interface ChannelMessage {
  readonly id: string;
  readonly channel: string;
  readonly senderHandle: string;
  readonly senderGuid?: string;
  readonly timestamp: number;
  readonly body: string;
  readonly replyTo?: string;
}

/** A channel as asked for, and what bounds it: what creating and configuring a channel both say. */
export interface ChannelDefinition {
  readonly name: string;
  readonly description: string;
  /** As asked for; unset limits fall back to `limits` when the log is made. */
  readonly retention: Retention;
  readonly limits: ChannelLimits;
  /** Open channels the project has now (from the read model). */
  readonly openChannels: number;
  /** What the project's channel logs reserve now (as the channel log reports them). */
  readonly reserved: ChannelReservations;
  readonly now: number;
}

/**
 * Defines a channel: CreateChannel refuses one that exists with another definition (create_channel),
 * ConfigureChannel changes it to this one (the project file).
 */
export type DefineChannel = ChannelDefinition & { readonly type: 'CreateChannel' | 'ConfigureChannel' };

export type ChannelCommand =
  | (ChannelDefinition & { readonly type: 'CreateChannel' })
  | (ChannelDefinition & { readonly type: 'ConfigureChannel' })
  | {
      readonly type: 'PostMessage';
      readonly channel: string;
      readonly senderHandle: string | undefined;
      readonly senderGuid?: string;
      readonly body: string;
      readonly bodyBytes: number;
      readonly maxBytes: number;
      readonly replyTo?: string;
      readonly now: number;
    };

export type ChannelEvent =
  | {
      readonly type: 'ChannelCreated';
      readonly v: 1;
      readonly name: string;
      readonly description: string;
      readonly retention: Retention;
      readonly at: number;
    }
  | {
      readonly type: 'ChannelReconfigured';
      readonly v: 1;
      readonly description: string;
      readonly retention: Retention;
      readonly at: number;
    }
  | {
      readonly type: 'MessagePosted';
      readonly v: 1;
      readonly channel: string;
      readonly senderHandle: string;
      readonly senderGuid?: string;
      readonly body: string;
      readonly replyTo?: string;
      readonly at: number;
    };

export type ChannelState =
  | { readonly status: 'absent' }
  | {
      readonly status: 'open';
      readonly name: string;
      readonly description: string;
      readonly retention: Retention;
      readonly createdAt: number;
    };

export class ChannelNotFound extends NotFound {
  constructor(readonly channel: string) {
    super(`Channel "${channel}" does not exist; call list_channels to see the channels, or create_channel to make it.`);
  }
}

export class ChannelAlreadyExists extends Conflict {
  constructor(readonly channel: string) {
    super(
      `Channel "${channel}" already exists with a different description or retention; pick another name or use it as it is.`,
    );
  }
}

export class HandleRequired extends ValidationError {
  constructor() {
    super('handle', 'no handle is set for this session; call set_handle (or register_agent) before posting');
  }
}

export const initialChannelState = (): ChannelState => ({ status: 'absent' });

/**
 * The channel to post to or read from: only an open one; any other is not found.
 *
 * @example requireOpenChannel('roadmap', undefined) // throws ChannelNotFound
 */
export function requireOpenChannel(
  channel: string,
  state: ChannelState | undefined,
): Extract<ChannelState, { status: 'open' }> {
  if (state?.status !== 'open') throw new ChannelNotFound(channel);
  return state;
}

const sameRetention = (a: Retention, b: Retention): boolean =>
  a.maxMessages === b.maxMessages && a.maxBytes === b.maxBytes && a.maxAgeMs === b.maxAgeMs;

/** Refuses a log for the channel that would take the project's reservations past its allowance. */
const fits = (cmd: DefineChannel): void =>
  checkReservations(cmd.reserved, { [cmd.name]: reservedBytes(cmd.retention, cmd.limits) }, cmd.limits);

function created(cmd: DefineChannel): ChannelEvent[] {
  checkRoomForChannels(cmd.openChannels, 1, cmd.limits);
  fits(cmd);
  return [
    {
      type: 'ChannelCreated',
      v: 1,
      name: cmd.name,
      description: cmd.description,
      retention: cmd.retention,
      at: cmd.now,
    },
  ];
}

function create(cmd: Extract<ChannelCommand, { type: 'CreateChannel' }>, state: ChannelState): ChannelEvent[] {
  checkRetention(cmd.retention, cmd.limits);
  if (state.status === 'absent') return created(cmd);
  if (state.description !== cmd.description || !sameRetention(state.retention, cmd.retention))
    throw new ChannelAlreadyExists(cmd.name);
  // Its log is made again if it is missing.
  fits(cmd);
  return [];
}

function configure(cmd: Extract<ChannelCommand, { type: 'ConfigureChannel' }>, state: ChannelState): ChannelEvent[] {
  checkRetention(cmd.retention, cmd.limits);
  if (state.status === 'absent') return created(cmd);
  fits(cmd);
  if (state.description === cmd.description && sameRetention(state.retention, cmd.retention)) return [];
  return [{ type: 'ChannelReconfigured', v: 1, description: cmd.description, retention: cmd.retention, at: cmd.now }];
}

function post(cmd: Extract<ChannelCommand, { type: 'PostMessage' }>, state: ChannelState): ChannelEvent[] {
  const open = requireOpenChannel(cmd.channel, state);
  if (!cmd.senderHandle) throw new HandleRequired();
  if (typeof cmd.body !== 'string' || cmd.body.trim().length === 0)
    throw new ValidationError('message', 'must not be empty');
  if (cmd.bodyBytes > cmd.maxBytes) {
    throw new ValidationError(
      'message',
      `is ${cmd.bodyBytes} bytes; the limit is ${cmd.maxBytes} bytes (WARP_MAX_MESSAGE_BYTES) — split it or link to a file`,
    );
  }
  return [
    {
      type: 'MessagePosted',
      v: 1,
      channel: open.name,
      senderHandle: cmd.senderHandle,
      ...(cmd.senderGuid ? { senderGuid: cmd.senderGuid } : {}),
      body: cmd.body,
      ...(cmd.replyTo ? { replyTo: cmd.replyTo } : {}),
      at: cmd.now,
    },
  ];
}

/**
 * Channel lifecycle and posting rules. Posted messages are high-volume events kept
 * on the channel's own stream (its channel log), not in the aggregate's event stream.
 *
 * @example
 *   decideChannel(
 *     { type: 'CreateChannel', name: 'roadmap', description: '', retention: {}, limits, openChannels: 0,
 *       reserved: { project: 'p', bytes: { errors: 1024 } }, now: 1 },
 *     initialChannelState(),
 *   )
 */
export function decideChannel(command: ChannelCommand, state: ChannelState): ChannelEvent[] {
  switch (command.type) {
    case 'CreateChannel':
      return create(command, state);
    case 'ConfigureChannel':
      return configure(command, state);
    case 'PostMessage':
      return post(command, state);
    default: {
      const unknown: never = command;
      throw new UnknownCommand(unknown);
    }
  }
}

export function evolveChannel(state: ChannelState, event: ChannelEvent): ChannelState {
  switch (event.type) {
    case 'ChannelCreated':
      return {
        status: 'open',
        name: event.name,
        description: event.description,
        retention: event.retention,
        createdAt: event.at,
      };
    case 'ChannelReconfigured':
      return state.status === 'open' ? { ...state, description: event.description, retention: event.retention } : state;
    case 'MessagePosted':
      return state;
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/** A stored event replay skips (Decider.rejects): a channel is created once, and only an open one changes. */
export const rejectsChannelEvent = (state: ChannelState, event: ChannelEvent): string | undefined =>
  (event.type === 'ChannelCreated') === (state.status === 'absent')
    ? undefined
    : `${event.type} cannot follow a channel that is ${state.status}`;

export const channelDecider: Decider<ChannelCommand, ChannelState, ChannelEvent> = {
  decide: decideChannel,
  evolve: evolveChannel,
  initialState: initialChannelState,
  rejects: rejectsChannelEvent,
};
