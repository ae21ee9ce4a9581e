import type {
  Clock,
  Connection,
  CursorStore,
  EventStore,
  IdGenerator,
  MessageBus,
  ProcessProbe,
  Quarantine,
  RegistryStore,
  TombstoneStore,
} from '../../ports/index.js';
import { ChannelDirectory } from '../channels/channel-directory.js';
import { WorkIndex } from '../work/work-index.js';
import type { Session, Settings } from './session.js';

/** Everything a use case may touch; built once per session by the composition root. */
export interface AppDeps {
  readonly events: EventStore;
  readonly bus: MessageBus;
  readonly registry: RegistryStore;
  readonly cursors: CursorStore;
  readonly tombstones: TombstoneStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly processes: ProcessProbe;
  readonly connection: Connection;
  /** Where skipped stored values (undecodable, or rejected on replay) are counted. */
  readonly quarantine: Quarantine;
  readonly session: Session;
  readonly settings: Settings;
  readonly channels: ChannelDirectory;
  readonly work: WorkIndex;
}

export type BackendPorts = Pick<
  AppDeps,
  'events' | 'bus' | 'registry' | 'cursors' | 'tombstones' | 'connection' | 'quarantine'
>;

/** A session's dependencies over a backend: fresh read models, shared stores. */
export function createSessionDeps(
  backend: BackendPorts,
  clock: Clock,
  ids: IdGenerator,
  session: Session,
  settings: Settings,
  processes: ProcessProbe,
): AppDeps {
  return {
    ...backend,
    clock,
    ids,
    processes,
    session,
    settings,
    channels: new ChannelDirectory(backend.quarantine),
    work: new WorkIndex(backend.quarantine),
  };
}
