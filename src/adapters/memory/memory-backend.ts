import type { Clock, Connection } from '../../ports/index.js';
import { MemoryCursorStore } from './memory-cursor-store.js';
import { MemoryEventStore } from './memory-event-store.js';
import { MemoryMessageBus } from './memory-message-bus.js';
import { MemoryRegistryStore } from './memory-registry-store.js';

export const memoryConnection: Connection = {
  backend: 'memory',
  state: () => 'in-memory',
  describe: () => 'in-process memory',
};

/** One shared in-memory backend; several sessions built on it talk to each other. */
export function createMemoryBackend(clock: Clock) {
  return {
    events: new MemoryEventStore(),
    bus: new MemoryMessageBus(clock),
    registry: new MemoryRegistryStore(),
    cursors: new MemoryCursorStore(),
    connection: memoryConnection,
  };
}

export type MemoryBackend = ReturnType<typeof createMemoryBackend>;
