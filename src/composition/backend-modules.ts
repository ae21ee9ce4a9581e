import { ContainerModule } from 'inversify';
import { createMemoryBackend } from '../adapters/memory/memory-backend.js';
import type { Clock, Quarantine } from '../ports/index.js';
import type { BackendPorts, Settings } from '../application/index.js';
import { TOKENS } from './tokens.js';

/** A backend as the session sees it, plus how to let it go. */
export interface Backend extends BackendPorts {
  close(): Promise<void>;
}

/** In-process backend: no NATS at all (WARP_BACKEND=memory). */
export const memoryModule = new ContainerModule(({ bind }) => {
  bind<Backend>(TOKENS.Backend)
    .toResolvedValue(
      (clock: Clock, quarantine: Quarantine, settings: Settings) => ({
        ...createMemoryBackend(clock, quarantine, settings.workRetentionMs),
        close: async () => {},
      }),
      [TOKENS.Clock, TOKENS.Quarantine, TOKENS.Settings],
    )
    .inSingletonScope();
});

/** NATS JetStream backend; `open` connects (it may start a local server first) and reports skipped values to `quarantine`. */
export const natsModule = (open: (quarantine: Quarantine) => Promise<Backend>) =>
  new ContainerModule(({ bind }) => {
    bind<Backend>(TOKENS.Backend).toResolvedValue(open, [TOKENS.Quarantine]).inSingletonScope();
  });
