import type { AppDeps } from '../shared/deps.js';
import { checkDefinitions, defineChannel, type CreateChannelInput } from './create-channel.js';

/** Applies the project's channel configuration at start-up: new channels are created, changed ones updated. */
export async function syncConfiguredChannels(deps: AppDeps, channels: readonly CreateChannelInput[]): Promise<void> {
  await checkDefinitions(deps, channels);
  for (const channel of channels) await defineChannel(deps, 'ConfigureChannel', channel);
}
