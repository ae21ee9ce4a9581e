import { projectNamespace } from '../../../composition/runtime.js';
import {
  DEFAULT_NATS_URL,
  loadEnv,
  loadProjectConfig,
  resolveNatsConnection,
  type NatsConnectionOptions,
  type WarpEnv,
} from '../../config/index.js';
import {
  findNatsServer,
  isListening,
  localDataDir,
  NoLocalNats,
  DEFAULT_NATS_PORT,
} from '../../system/local-nats-server.js';
import { emit, type Command } from '../command.js';

export type CheckStatus = 'ok' | 'note' | 'problem' | 'skipped' | 'n/a';

export interface Check {
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
  /** What to do about it; every problem has one. */
  readonly fix?: string;
}

export class DoctorFoundProblems extends Error {
  constructor(count: number) {
    super(`${count} check${count === 1 ? '' : 's'} found a problem; each says how to fix it`);
    this.name = 'DoctorFoundProblems';
  }
}

const MIN_NODE = 20;
const PROBE_TIMEOUT_MS = 3_000;
const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function nodeCheck(): Check {
  const major = Number(process.versions.node.split('.')[0]);
  return major >= MIN_NODE
    ? { name: 'node', status: 'ok', detail: `v${process.versions.node} (Warp needs ${MIN_NODE} or later)` }
    : {
        name: 'node',
        status: 'problem',
        detail: `v${process.versions.node} is too old`,
        fix: `install Node ${MIN_NODE} or later (https://nodejs.org, or nvm install ${MIN_NODE})`,
      };
}

/** Why a connection failed, from what nats.js said (the cause of Warp's BackendUnavailable). */
function failureKind(error: unknown): 'auth' | 'jetstream' | 'unreachable' {
  const text = `${message(error)} ${message((error as { cause?: unknown }).cause ?? '')}`;
  if (/authori[sz]ation|authentication|permissions violation/i.test(text)) return 'auth';
  if (/JetStream/.test(text) && !/Cannot connect/.test(text)) return 'jetstream';
  return 'unreachable';
}

async function natsChecks(env: WarpEnv, processEnv: NodeJS.ProcessEnv): Promise<Check[]> {
  let connection: NatsConnectionOptions;
  try {
    connection = resolveNatsConnection(env.natsUrl, env.natsUser, env.natsPass);
  } catch (error) {
    return [{ name: 'nats', status: 'problem', detail: message(error), fix: 'correct NATS_URL as described above' }];
  }
  const hasCredentials = connection.user !== undefined || connection.pass !== undefined;
  const urlSet = Boolean(processEnv['NATS_URL']?.trim());
  const skipped = (name: string, why: string): Check => ({ name, status: 'skipped', detail: why });

  if (!urlSet && !(await isListening('127.0.0.1', DEFAULT_NATS_PORT))) {
    const binary = findNatsServer(processEnv);
    const later = 'checked once the local nats-server runs';
    return binary
      ? [
          {
            name: 'nats',
            status: 'note',
            detail: `nothing on ${DEFAULT_NATS_URL} yet: the first warp command or agent starts ${binary} there (JetStream, data in ${localDataDir(processEnv)}) and it keeps running`,
          },
          skipped('jetstream', later),
          skipped('credentials', later),
        ]
      : [
          {
            name: 'nats',
            status: 'problem',
            detail: `no NATS server on ${DEFAULT_NATS_URL} and no nats-server binary to start one`,
            fix: new NoLocalNats(DEFAULT_NATS_PORT).message.replace(/^.*?\. /, ''),
          },
          skipped('jetstream', 'needs a NATS server'),
          skipped('credentials', 'needs a NATS server'),
        ];
  }

  const servers = urlSet ? connection.servers : `nats://127.0.0.1:${DEFAULT_NATS_PORT}`;
  const { connectNats } = await import('../../nats/nats-connection.js');
  let conn: Awaited<ReturnType<typeof connectNats>>;
  try {
    conn = await connectNats({ ...connection, servers, name: 'warp-doctor', timeoutMs: PROBE_TIMEOUT_MS });
  } catch (error) {
    const kind = failureKind(error);
    if (kind === 'auth') {
      return [
        { name: 'nats', status: 'ok', detail: `${servers} answers` },
        skipped('jetstream', 'needs a connection the server accepts'),
        {
          name: 'credentials',
          status: 'problem',
          detail: hasCredentials ? 'the server rejected the user name or password' : 'the server requires credentials',
          fix: hasCredentials
            ? 'check NATS_USER / NATS_PASS, or the user:password in NATS_URL (percent-encode special characters, e.g. "@" as %40)'
            : 'set NATS_USER and NATS_PASS, or put user:password in NATS_URL',
        },
      ];
    }
    if (kind === 'jetstream') {
      return [
        { name: 'nats', status: 'ok', detail: `connected to ${servers}` },
        {
          name: 'jetstream',
          status: 'problem',
          detail: `the server at ${servers} has no JetStream`,
          fix: 'start nats-server with -js (or `jetstream: enabled` in its config); on a secured server, give this account JetStream limits',
        },
        { name: 'credentials', status: 'ok', detail: hasCredentials ? 'accepted' : 'none needed' },
      ];
    }
    return [
      {
        name: 'nats',
        status: 'problem',
        detail: `cannot connect to ${servers}: ${message((error as { cause?: unknown }).cause ?? error)}`,
        fix: urlSet
          ? 'start nats-server -js there, or correct NATS_URL (or unset it: Warp then starts a local nats-server), or run without NATS: WARP_BACKEND=memory'
          : 'something listens on port 4222 but is not a NATS server: stop it, or set NATS_URL to your NATS server',
      },
      skipped('jetstream', 'needs a NATS connection'),
      skipped('credentials', 'needs a NATS connection'),
    ];
  }
  try {
    const account = await conn.jsm.getAccountInfo();
    return [
      { name: 'nats', status: 'ok', detail: `connected to ${servers} (nats-server ${conn.nc.info?.version ?? '?'})` },
      {
        name: 'jetstream',
        status: 'ok',
        detail: `enabled: ${account.streams} streams, ${account.storage} bytes stored`,
      },
      { name: 'credentials', status: 'ok', detail: hasCredentials ? 'accepted' : 'none needed' },
    ];
  } catch (error) {
    return [
      { name: 'nats', status: 'ok', detail: `connected to ${servers}` },
      {
        name: 'jetstream',
        status: 'problem',
        detail: `JetStream does not answer: ${message(error)}`,
        fix: 'start nats-server with -js; on a cluster, check that a JetStream meta leader is elected',
      },
      { name: 'credentials', status: 'ok', detail: hasCredentials ? 'accepted' : 'none needed' },
    ];
  } finally {
    await conn.close().catch(() => undefined);
  }
}

/** Every check, in the order a newcomer would fix them; a check that depends on a failed one is skipped. */
export async function runChecks(processEnv: NodeJS.ProcessEnv, cwd: string): Promise<Check[]> {
  const checks: Check[] = [nodeCheck()];
  let env: WarpEnv;
  try {
    env = loadEnv(processEnv, cwd);
  } catch (error) {
    return [
      ...checks,
      {
        name: 'config',
        status: 'problem',
        detail: message(error),
        fix: 'correct the environment variables named above (README: Configuration)',
      },
    ];
  }
  try {
    const project = loadProjectConfig(env.projectPath);
    checks.push({
      name: 'config',
      status: 'ok',
      detail: project.path
        ? `${project.path} (${project.channels.length} channels)`
        : 'environment ok; no .loom-config.json (default channels)',
    });
    const { namespace, source } = projectNamespace(env, project);
    checks.push(
      source === 'path'
        ? {
            name: 'namespace',
            status: 'note',
            detail: `${namespace}, derived from the folder path: a clone of this project elsewhere gets another namespace`,
            fix: 'to share one namespace across machines, set "namespace" in .loom-config.json or WARP_NAMESPACE, or add a git remote',
          }
        : {
            name: 'namespace',
            status: 'ok',
            detail: `${namespace} (from ${{ config: '.loom-config.json', env: 'WARP_NAMESPACE', git: 'the git remote', path: 'the path' }[source]})`,
          },
    );
  } catch (error) {
    checks.push({
      name: 'config',
      status: 'problem',
      detail: message(error),
      fix: 'fix the field named above in .loom-config.json (schema: schema/loom-config.schema.json)',
    });
    checks.push({ name: 'namespace', status: 'skipped', detail: 'needs a valid configuration' });
  }
  if (env.backend === 'memory') {
    for (const name of ['nats', 'jetstream', 'credentials'])
      checks.push({
        name,
        status: 'n/a',
        detail: 'WARP_BACKEND=memory: one process, nothing shared with other agents',
      });
  } else {
    checks.push(...(await natsChecks(env, processEnv)));
  }
  checks.push({ name: 'hub', status: 'n/a', detail: 'no hub in this version' });
  return checks;
}

const LABEL: Readonly<Record<CheckStatus, string>> = {
  ok: 'ok',
  note: 'note',
  problem: 'PROBLEM',
  skipped: 'skipped',
  'n/a': 'n/a',
};

export const doctor: Command = {
  name: 'doctor',
  usage: 'warp doctor',
  summary: 'check the setup (Node, config, namespace, NATS, JetStream, credentials) and say how to fix it',
  arguments: [],
  options: {},
  details: ['Exits 1 when a check finds a problem. It starts nothing and changes nothing.'],
  async run(ctx) {
    const checks = await runChecks(ctx.env, ctx.cwd);
    const problems = checks.filter((c) => c.status === 'problem').length;
    emit(ctx, { ok: problems === 0, checks }, () =>
      checks.flatMap((c) => [
        `${LABEL[c.status].padEnd(8)} ${c.name.padEnd(12)} ${c.detail}`,
        ...(c.fix ? [`${''.padEnd(8)} ${''.padEnd(12)} fix: ${c.fix}`] : []),
      ]),
    );
    if (problems > 0) throw new DoctorFoundProblems(problems);
    return checks;
  },
};
