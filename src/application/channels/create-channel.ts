import {
  checkName,
  checkReservations,
  checkRetention,
  checkRoomForChannels,
  effectiveRetention,
  MAX_CHANNEL_DESCRIPTION_BYTES,
  reservedBytes,
  ValidationError,
  type DefineChannel,
  type Retention,
} from '../../domain/index.js';
import { executeOn } from '../shared/execute.js';
import type { AppDeps } from '../shared/deps.js';
import { checkText } from '../shared/require.js';

export interface CreateChannelInput {
  readonly name: string;
  readonly description?: string;
  readonly maxMessages?: number;
  readonly maxBytes?: number;
  readonly maxAgeMs?: number;
}

export interface ChannelView {
  readonly name: string;
  readonly description: string;
  readonly maxMessages?: number;
  readonly maxBytes?: number;
  readonly maxAgeMs?: number;
}

export interface CreateChannelOutput {
  readonly channel: ChannelView;
  readonly created: boolean;
}

const retentionOf = (input: CreateChannelInput): Retention => ({
  ...(input.maxMessages !== undefined ? { maxMessages: input.maxMessages } : {}),
  ...(input.maxBytes !== undefined ? { maxBytes: input.maxBytes } : {}),
  ...(input.maxAgeMs !== undefined ? { maxAgeMs: input.maxAgeMs } : {}),
});

/** Definitions run one at a time per project directory, so two at once cannot both take the last room. */
const defining = new WeakMap<object, Promise<unknown>>();

function oneAtATime<T>(directory: object, define: () => Promise<T>): Promise<T> {
  const result = (defining.get(directory) ?? Promise.resolve()).then(define);
  defining.set(
    directory,
    result.catch(() => undefined),
  );
  return result;
}

/**
 * Decides a channel definition against the project's limits and what its channel logs reserve,
 * stores it, and makes the message log match it.
 */
export async function defineChannel(
  deps: AppDeps,
  type: DefineChannel['type'],
  input: CreateChannelInput,
): Promise<CreateChannelOutput> {
  const name = checkName('name', input.name);
  const description = checkText('description', input.description ?? '', MAX_CHANNEL_DESCRIPTION_BYTES, {
    allowEmpty: true,
  });
  const retention = retentionOf(input);
  const limits = deps.settings.channelLimits;
  const project = deps.session.namespace;
  const applied = effectiveRetention(retention, limits);
  return oneAtATime(deps.channels, async () => {
    const reserved = await deps.channelLog.reserved(project);
    const command: DefineChannel = {
      type,
      name,
      description,
      retention,
      limits,
      openChannels: deps.channels.open().length,
      reserved: { project, bytes: reserved },
      now: deps.clock.now(),
    };
    if (!Object.hasOwn(reserved, name)) {
      // A new log is made before the event that opens its channel, once the decision accepts it: when
      // the server refuses the log (its storage is full), no open channel is left without one.
      deps.channels.decider.decide(command, deps.channels.get(name)?.state ?? deps.channels.decider.initialState());
      await deps.channelLog.ensure(project, name, description, applied);
    }
    const outcome = await executeOn(deps, deps.channels, { namespace: project, kind: 'channel', id: name }, command);
    await deps.channelLog.ensure(project, name, description, applied);
    return {
      channel: { name, description, ...applied },
      created: outcome.events.some((e) => e.type === 'ChannelCreated'),
    };
  });
}

/** Checks every definition before applying any, so a bad one in the project file changes nothing. */
export async function checkDefinitions(deps: AppDeps, inputs: readonly CreateChannelInput[]): Promise<void> {
  const limits = deps.settings.channelLimits;
  for (const input of inputs) {
    try {
      checkRetention(retentionOf(input), limits);
    } catch (error) {
      throw error instanceof ValidationError
        ? new ValidationError(`configured channel "${input.name}"`, error.message)
        : error;
    }
  }
  const adding = inputs.filter((i) => deps.channels.get(i.name)?.state.status !== 'open').length;
  checkRoomForChannels(deps.channels.open().length, adding, limits);
  const project = deps.session.namespace;
  const wanted = Object.fromEntries(inputs.map((i) => [i.name, reservedBytes(retentionOf(i), limits)]));
  checkReservations({ project, bytes: await deps.channelLog.reserved(project) }, wanted, limits);
}

export const createChannel = (deps: AppDeps, input: CreateChannelInput): Promise<CreateChannelOutput> =>
  defineChannel(deps, 'CreateChannel', input);
