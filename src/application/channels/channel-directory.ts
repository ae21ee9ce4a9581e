import { channelDecider, type ChannelCommand, type ChannelEvent, type ChannelState } from '../../domain/index.js';
import type { Quarantine } from '../../ports/index.js';
import { Projection } from '../shared/projection.js';

/** The channels of this session's namespace, projected from Channel events. */
export class ChannelDirectory extends Projection<ChannelCommand, ChannelState, ChannelEvent> {
  constructor(quarantine: Quarantine) {
    super(channelDecider, quarantine);
  }

  open(): Array<Extract<ChannelState, { status: 'open' }>> {
    const result: Array<Extract<ChannelState, { status: 'open' }>> = [];
    for (const [, { state }] of this.all()) if (state.status === 'open') result.push(state);
    return result.sort((a, b) => a.name.localeCompare(b.name));
  }
}
