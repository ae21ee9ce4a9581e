import { TOMBSTONE_RETENTIONS } from '../../domain/index.js';
import type { Clock, Connection, Quarantine } from '../../ports/index.js';
import { CountingQuarantine } from '../system/counting-quarantine.js';
import { MemoryChannelLog } from './memory-channel-log.js';
import { MemoryCheckpointStore } from './memory-checkpoint-store.js';
import { MemoryCursorStore } from './memory-cursor-store.js';
import { MemoryEventStore } from './memory-event-store.js';
import { MemoryInbox } from './memory-inbox.js';
import { MemoryNotices } from './memory-notices.js';
import { MemoryRegistryStore } from './memory-registry-store.js';
import { MemoryTombstoneStore } from './memory-tombstone-store.js';

export const memoryConnection: Connection = {
  backend: 'memory',
  state: () => 'in-memory',
  describe: () => 'in-process memory',
};

const WEEK = 7 * 86_400_000;

/**
 * One shared in-memory backend; several sessions built on it talk to each other. Nothing is
 * decoded here, so only replay reports to `quarantine` (events the decider rejects).
 * Tombstones are kept TOMBSTONE_RETENTIONS times `workRetentionMs`.
 */
export function createMemoryBackend(
  clock: Clock,
  quarantine: Quarantine = new CountingQuarantine(),
  workRetentionMs = WEEK,
) {
  const notices = new MemoryNotices();
  return {
    events: new MemoryEventStore(),
    channelLog: new MemoryChannelLog(clock, notices),
    inbox: new MemoryInbox(notices),
    notices,
    registry: new MemoryRegistryStore(),
    cursors: new MemoryCursorStore(),
    checkpoints: new MemoryCheckpointStore(),
    tombstones: new MemoryTombstoneStore(clock, TOMBSTONE_RETENTIONS * workRetentionMs),
    connection: memoryConnection,
    quarantine,
  };
}

export type MemoryBackend = ReturnType<typeof createMemoryBackend>;
