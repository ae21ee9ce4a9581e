import type { AppDeps } from '../shared/deps.js';
import { defineChannel, type CreateChannelInput } from './create-channel.js';

/** Applies the project's channel configuration at start-up: new channels are created, changed ones updated. */
export async function syncConfiguredChannels(deps: AppDeps, channels: readonly CreateChannelInput[]): Promise<void> {
  for (const channel of channels) await defineChannel(deps, 'ConfigureChannel', channel);
}
