import type { ConnectionState } from '../../ports/index.js';
import type { AppDeps } from '../shared/deps.js';

export interface MyIdentity {
  readonly handle: string | null;
  readonly guid: string | null;
  readonly namespace: string;
  readonly hostname: string;
  readonly backend: 'nats' | 'memory';
  readonly server: string;
  readonly connection: ConnectionState;
  /** Values read back that this session skipped (undecodable, or rejected on replay), by source. */
  readonly skipped: Readonly<Record<string, number>>;
}

export async function getMyHandle(deps: Pick<AppDeps, 'session' | 'connection' | 'quarantine'>): Promise<MyIdentity> {
  const { session, connection } = deps;
  return {
    handle: session.handle ?? null,
    guid: session.guid ?? null,
    namespace: session.namespace,
    hostname: session.hostname,
    backend: connection.backend,
    server: connection.describe(),
    connection: connection.state(),
    skipped: deps.quarantine.counts(),
  };
}
