import 'reflect-metadata';
import { Container, ContainerModule } from 'inversify';
import {
  createSessionDeps,
  createWarpApp,
  Session,
  type AppDeps,
  type Settings,
  type WarpApp,
} from '../application/index.js';
import { CountingQuarantine } from '../adapters/system/counting-quarantine.js';
import { CryptoIds } from '../adapters/system/crypto-ids.js';
import { OsProcessProbe } from '../adapters/system/os-process-probe.js';
import { SystemClock } from '../adapters/system/system-clock.js';
import type { Clock, IdGenerator, ProcessProbe, Quarantine } from '../ports/index.js';
import type { Backend } from './backend-modules.js';
import { TOKENS } from './tokens.js';

export interface Identity {
  readonly namespace: string;
  readonly hostname: string;
  readonly username: string;
  readonly pid: number;
  /** A CLI command rather than an agent's MCP server. */
  readonly command: boolean;
}

/**
 * Clock, ids, this session's identity and limits, where skipped stored values are counted, and the
 * use cases over whichever backend is loaded.
 */
export const coreModule = (identity: Identity, settings: Settings, quarantine: Quarantine = new CountingQuarantine()) =>
  new ContainerModule(({ bind }) => {
    bind<Clock>(TOKENS.Clock).toConstantValue(new SystemClock());
    bind<IdGenerator>(TOKENS.Ids).toConstantValue(new CryptoIds());
    bind<ProcessProbe>(TOKENS.Processes).toConstantValue(new OsProcessProbe());
    bind<Quarantine>(TOKENS.Quarantine).toConstantValue(quarantine);
    bind<Settings>(TOKENS.Settings).toConstantValue(settings);
    bind<Session>(TOKENS.Session)
      .toResolvedValue(
        (ids: IdGenerator) =>
          new Session(identity.namespace, identity.hostname, identity.username, {
            session: ids.newId(),
            pid: identity.pid,
            ...(identity.command ? { command: true } : {}),
          }),
        [TOKENS.Ids],
      )
      .inSingletonScope();
    bind<AppDeps>(TOKENS.AppDeps)
      .toResolvedValue(
        (backend: Backend, clock: Clock, ids: IdGenerator, session: Session, s: Settings, processes: ProcessProbe) =>
          createSessionDeps(backend, clock, ids, session, s, processes),
        [TOKENS.Backend, TOKENS.Clock, TOKENS.Ids, TOKENS.Session, TOKENS.Settings, TOKENS.Processes],
      )
      .inSingletonScope();
    bind<WarpApp>(TOKENS.App)
      .toResolvedValue((deps: AppDeps) => createWarpApp(deps), [TOKENS.AppDeps])
      .inSingletonScope();
  });

export async function buildContainer(core: ContainerModule, backend: ContainerModule): Promise<Container> {
  const container = new Container();
  await container.load(core, backend);
  return container;
}

/** The entry points' one call into the container. */
export async function resolveApp(container: Container): Promise<{ app: WarpApp; deps: AppDeps; backend: Backend }> {
  const app = await container.getAsync<WarpApp>(TOKENS.App);
  return { app, deps: app.deps, backend: await container.getAsync<Backend>(TOKENS.Backend) };
}
