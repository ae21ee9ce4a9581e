import {
  checkName,
  checkRetention,
  checkRoomForChannels,
  effectiveRetention,
  MAX_CHANNEL_DESCRIPTION_BYTES,
  ValidationError,
  type ChannelCommand,
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

/** Decides a channel definition, stores it, and makes the message log match it. */
export async function defineChannel(
  deps: AppDeps,
  type: ChannelCommand['type'] & ('CreateChannel' | 'ConfigureChannel'),
  input: CreateChannelInput,
): Promise<CreateChannelOutput> {
  const name = checkName('name', input.name);
  const description = checkText('description', input.description ?? '', MAX_CHANNEL_DESCRIPTION_BYTES, {
    allowEmpty: true,
  });
  const retention = retentionOf(input);
  const limits = deps.settings.channelLimits;
  const stream = { namespace: deps.session.namespace, kind: 'channel' as const, id: name };
  const outcome = await executeOn(deps, deps.channels, stream, {
    type,
    name,
    description,
    retention,
    limits,
    openChannels: deps.channels.open().length,
    now: deps.clock.now(),
  });
  const applied = effectiveRetention(retention, limits);
  await deps.channelLog.ensure(deps.session.namespace, name, description, applied);
  return {
    channel: { name, description, ...applied },
    created: outcome.events.some((e) => e.type === 'ChannelCreated'),
  };
}

/** Checks every definition before applying any, so a bad one in the project file changes nothing. */
export function checkDefinitions(deps: AppDeps, inputs: readonly CreateChannelInput[]): void {
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
}

export const createChannel = (deps: AppDeps, input: CreateChannelInput): Promise<CreateChannelOutput> =>
  defineChannel(deps, 'CreateChannel', input);
