import { channelDecider, checkName, ValidationError, type ChannelCommand, type Retention } from '../../domain/index.js';
import { execute } from '../shared/execute.js';
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

function retentionOf(input: CreateChannelInput): Retention {
  for (const field of ['maxMessages', 'maxBytes', 'maxAgeMs'] as const) {
    const value = input[field];
    if (value !== undefined && (!Number.isSafeInteger(value) || value <= 0)) {
      throw new ValidationError(field, 'must be a positive whole number');
    }
  }
  return {
    ...(input.maxMessages !== undefined ? { maxMessages: input.maxMessages } : {}),
    ...(input.maxBytes !== undefined ? { maxBytes: input.maxBytes } : {}),
    ...(input.maxAgeMs !== undefined ? { maxAgeMs: input.maxAgeMs } : {}),
  };
}

/** Decides a channel definition, stores it, and makes the message log match it. */
export async function defineChannel(
  deps: AppDeps,
  type: ChannelCommand['type'] & ('CreateChannel' | 'ConfigureChannel'),
  input: CreateChannelInput,
): Promise<CreateChannelOutput> {
  const name = checkName('name', input.name);
  const description = checkText('description', input.description ?? '', 1024, { allowEmpty: true });
  const retention = retentionOf(input);
  const stream = { namespace: deps.session.namespace, kind: 'channel' as const, id: name };
  const known = deps.channels.get(name);
  const outcome = await execute(
    deps,
    stream,
    channelDecider,
    { type, name, description, retention, now: deps.clock.now() },
    known,
  );
  deps.channels.apply({ stream, revision: outcome.revision, events: outcome.events }, outcome.state);
  await deps.bus.ensureChannel(deps.session.namespace, name, description, retention);
  return {
    channel: { name, description, ...retention },
    created: outcome.events.some((e) => e.type === 'ChannelCreated'),
  };
}

export const createChannel = (deps: AppDeps, input: CreateChannelInput): Promise<CreateChannelOutput> =>
  defineChannel(deps, 'CreateChannel', input);
