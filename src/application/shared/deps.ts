import type {
  ChannelLog,
  Clock,
  Connection,
  CursorStore,
  EventStore,
  IdGenerator,
  Inbox,
  Notices,
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
  readonly channelLog: ChannelLog;
  readonly inbox: Inbox;
  readonly notices: Notices;
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
  /**
   * Aborted when a hub gives up the request early (a newer wait of the same caller took its
   * place): a wait then answers as though its time were up.
   */
  readonly released?: AbortSignal;
  /**
   * The id of the request this call answers, on a hub: the same when the session asks again, so
   * a change asked twice takes effect once (ADR 0037).
   */
  readonly requestId?: string;
}

/** The read models of one namespace: one per session in process, shared by every request in a hub. */
export type ReadModels = Pick<AppDeps, 'channels' | 'work'>;

export const createReadModels = (quarantine: Quarantine): ReadModels => ({
  channels: new ChannelDirectory(quarantine),
  work: new WorkIndex(quarantine),
});

export type BackendPorts = Pick<
  AppDeps,
  'events' | 'channelLog' | 'inbox' | 'notices' | 'registry' | 'cursors' | 'tombstones' | 'connection' | 'quarantine'
>;

/** A session's dependencies over a backend and read models (fresh ones unless given). */
export function createSessionDeps(
  backend: BackendPorts,
  clock: Clock,
  ids: IdGenerator,
  session: Session,
  settings: Settings,
  processes: ProcessProbe,
  models: ReadModels = createReadModels(backend.quarantine),
  /** What a hub knows of one request: its id, and the signal that releases a wait early. */
  request: Pick<AppDeps, 'requestId' | 'released'> = {},
): AppDeps {
  // Field by field, not spread: a hub builds one per request, and spreading the backend (a larger object) cost more.
  return {
    events: backend.events,
    channelLog: backend.channelLog,
    inbox: backend.inbox,
    notices: backend.notices,
    registry: backend.registry,
    cursors: backend.cursors,
    tombstones: backend.tombstones,
    connection: backend.connection,
    quarantine: backend.quarantine,
    clock,
    ids,
    processes,
    session,
    settings,
    channels: models.channels,
    work: models.work,
    ...(request.requestId !== undefined ? { requestId: request.requestId } : {}),
    ...(request.released ? { released: request.released } : {}),
  };
}
