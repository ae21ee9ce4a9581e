import {
  DEFAULT_NATS_URL,
  loadNatsCreds,
  resolveNatsConnection,
  type NatsCreds,
  type NatsConnectionOptions,
  type WarpEnv,
} from '../../config/index.js';
import {
  DEFAULT_NATS_PORT,
  findNatsServer,
  isListening,
  localDataDir,
  NoLocalNats,
} from '../../system/local-nats-server.js';
import type { NatsConnection } from '@nats-io/nats-core';
import type { HubSummary } from '../../hub/hub-directory.js';
import { hubValues, settingDifferences, whereToSet } from '../../config/setting-owners.js';
import { errorText, type Check } from './doctor-check.js';

const PROBE_TIMEOUT_MS = 3_000;

/** Why a connection failed, from what nats.js said (the cause of Warp's BackendUnavailable). */
function failureKind(error: unknown): 'auth' | 'jetstream' | 'unreachable' {
  const text = `${errorText(error)} ${errorText((error as { cause?: unknown }).cause ?? '')}`;
  if (/authori[sz]ation|authentication|permissions violation/i.test(text)) return 'auth';
  if (/JetStream/.test(text) && !/Cannot connect/.test(text)) return 'jetstream';
  return 'unreachable';
}

/** NATS, JetStream and credentials, probed with Warp's own connection code; starts nothing. */
export async function natsChecks(env: WarpEnv, processEnv: NodeJS.ProcessEnv): Promise<Check[]> {
  let connection: NatsConnectionOptions;
  try {
    connection = resolveNatsConnection(env.natsUrl, env.natsUser, env.natsPass);
  } catch (error) {
    return [{ name: 'nats', status: 'problem', detail: errorText(error), fix: 'correct NATS_URL as described above' }];
  }
  let creds: NatsCreds | undefined;
  try {
    creds = env.natsCreds !== undefined ? loadNatsCreds(env.natsCreds) : undefined;
  } catch (error) {
    return [
      { name: 'credentials', status: 'problem', detail: errorText(error), fix: 'point NATS_CREDS at a .creds file' },
    ];
  }
  const hasCredentials =
    connection.user !== undefined ||
    connection.pass !== undefined ||
    connection.token !== undefined ||
    creds !== undefined;
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
          skipped('hub', later),
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
          skipped('hub', 'needs a NATS server'),
        ];
  }

  const servers = urlSet ? connection.servers : `nats://127.0.0.1:${DEFAULT_NATS_PORT}`;
  const { connectNats } = await import('../../nats/nats-connection.js');
  let conn: Awaited<ReturnType<typeof connectNats>>;
  try {
    // The same TLS rule as a session: tls:// and wss:// never fall back to plain text.
    const tls = connection.tls ? (env.natsTls ?? {}) : undefined;
    conn = await connectNats({
      ...connection,
      servers,
      name: 'warp-doctor',
      timeoutMs: PROBE_TIMEOUT_MS,
      tls,
      ...(creds ? { creds: creds.content } : {}),
      // An agent's credential has no JetStream and hears replies only on its own prefix (ADR 0022).
      ...(creds?.identity ? { withoutJetStream: true, inboxPrefix: `_INBOX_${creds.identity.guid}` } : {}),
    });
  } catch (error) {
    const kind = failureKind(error);
    if (kind === 'auth') {
      return [
        { name: 'nats', status: 'ok', detail: `${servers} answers` },
        skipped('jetstream', 'needs a connection the server accepts'),
        skipped('hub', 'needs a connection the server accepts'),
        {
          name: 'credentials',
          status: 'problem',
          detail: hasCredentials ? 'the server rejected the user name or password' : 'the server requires credentials',
          fix: hasCredentials
            ? 'check NATS_USER / NATS_PASS, or the user:password or token in NATS_URL (percent-encode special characters, e.g. "@" as %40)'
            : 'set NATS_USER and NATS_PASS, or put user:password (or a token: nats://TOKEN@host) in NATS_URL',
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
        skipped('hub', 'needs JetStream'),
      ];
    }
    return [
      {
        name: 'nats',
        status: 'problem',
        detail: `cannot connect to ${servers}: ${errorText((error as { cause?: unknown }).cause ?? error)}`,
        fix: urlSet
          ? 'start nats-server -js there, or correct NATS_URL (or unset it: Warp then starts a local nats-server), or run without NATS: WARP_BACKEND=memory'
          : 'something listens on port 4222 but is not a NATS server: stop it, or set NATS_URL to your NATS server',
      },
      skipped('jetstream', 'needs a NATS connection'),
      skipped('credentials', 'needs a NATS connection'),
      skipped('hub', 'needs a NATS connection'),
    ];
  }
  if (creds?.identity) {
    const { handle, namespace } = creds.identity;
    await conn.close().catch(() => undefined);
    return [
      { name: 'nats', status: 'ok', detail: `connected to ${servers}` },
      skipped('jetstream', 'an agent credential has no JetStream access: the hub works for it'),
      { name: 'credentials', status: 'ok', detail: `accepted: agent ${handle} of project ${namespace}` },
      skipped('hub', 'an agent credential cannot list hubs; any tool call says whether one answers'),
    ];
  }
  try {
    const account = await conn.jsm.getAccountInfo();
    const version = conn.nc.info?.version ?? '?';
    const [major = 0, minor = 0] = version.split('.').map(Number);
    return [
      major > 2 || (major === 2 && minor >= 9)
        ? { name: 'nats', status: 'ok', detail: `connected to ${servers} (nats-server ${version})` }
        : {
            name: 'nats',
            status: 'problem',
            detail: `${servers} runs nats-server ${version}; Warp needs 2.9 or later`,
            fix: 'upgrade nats-server (https://github.com/nats-io/nats-server/releases, or your package manager)',
          },
      {
        name: 'jetstream',
        status: 'ok',
        detail: `enabled: ${account.streams} streams, ${account.storage} bytes stored`,
      },
      { name: 'credentials', status: 'ok', detail: hasCredentials ? 'accepted' : 'none needed' },
      ...(await hubChecks(conn, env, processEnv, servers)),
    ];
  } catch (error) {
    return [
      { name: 'nats', status: 'ok', detail: `connected to ${servers}` },
      {
        name: 'jetstream',
        status: 'problem',
        detail: `JetStream does not answer: ${errorText(error)}`,
        fix: 'start nats-server with -js; on a cluster, check that a JetStream meta leader is elected',
      },
      { name: 'credentials', status: 'ok', detail: hasCredentials ? 'accepted' : 'none needed' },
      skipped('hub', 'needs JetStream'),
    ];
  } finally {
    await conn.close().catch(() => undefined);
  }
}

/** Which hubs answer, and whether the settings they apply are this environment's. */
async function hubChecks(
  conn: { readonly nc: NatsConnection },
  env: WarpEnv,
  processEnv: NodeJS.ProcessEnv,
  servers: string,
): Promise<Check[]> {
  const { discoverHubs } = await import('../../hub/hub-directory.js');
  const hubs = await discoverHubs(conn.nc, Date.now()).catch(() => []);
  return [await hubCheck(hubs, env, servers), settingsCheck(hubs, env, processEnv)];
}

/**
 * Which hubs answer. None is fine where a session starts one (open, user/password or token in the
 * URL); with NATS_CREDS or WARP_HUB=external it is a problem, and the fix says how to run one.
 */
async function hubCheck(hubs: readonly HubSummary[], env: WarpEnv, servers: string): Promise<Check> {
  const [{ describeHub }, { version }] = await Promise.all([
    import('../../hub/hub-directory.js'),
    import('../version.js'),
  ]);
  const detail = hubs.map(describeHub).join('; ');
  const others = hubs.filter((hub) => hub.version !== version);
  if (others.length > 0)
    return {
      name: 'hub',
      status: 'note',
      detail: `${detail}; ${others.length === 1 ? 'one runs' : `${others.length} run`} another version than this Warp (v${version})`,
      fix:
        'a hub a session started makes way by itself once Warp is rebuilt or upgraded where it runs; ' +
        'restart a `warp hub` you run (SIGTERM, then start it again) from this build',
    };
  if (hubs.length > 0) return { name: 'hub', status: 'ok', detail };
  if (env.natsCreds !== undefined)
    return {
      name: 'hub',
      status: 'problem',
      detail: 'no Warp hub answers on this NATS server, and with NATS_CREDS no session starts one',
      fix: `where it can keep running, run \`NATS_URL=${servers} NATS_CREDS=${env.natsCreds} warp hub\``,
    };
  if (env.hub === 'external')
    return {
      name: 'hub',
      status: 'problem',
      detail: 'no Warp hub answers on this NATS server, and with WARP_HUB=external no session starts one',
      fix: 'start one where it can keep running, with the same NATS_URL and credentials: warp hub',
    };
  return {
    name: 'hub',
    status: 'note',
    detail: 'no Warp hub answers yet: the first session on this machine starts one in the background',
  };
}

/**
 * The settings the hubs apply for every session (ADR 0035) that differ from this environment's:
 * set here (then ignored here) or left at the default here (then the hub's surprise a session).
 */
function settingsCheck(hubs: readonly HubSummary[], env: WarpEnv, processEnv: NodeJS.ProcessEnv): Check {
  if (hubs.length === 0) return { name: 'settings', status: 'skipped', detail: 'needs a hub that answers' };
  const silent = hubs.filter((hub) => Object.keys(hub.settings).length === 0);
  const differences = settingDifferences(env, processEnv, hubs);
  const untold =
    silent.length > 0
      ? `hub ${silent.map((hub) => hub.id).join(', ')} does not tell its settings (an older Warp); its environment applies`
      : '';
  if (differences.length === 0)
    return silent.length === hubs.length
      ? { name: 'settings', status: 'note', detail: untold }
      : {
          name: 'settings',
          status: 'ok',
          detail: `the hubs apply this environment's values of the settings they decide${untold ? `; ${untold}` : ''}`,
        };
  const listed = differences.map(
    (d) => `${d.name} is ${d.here} here (${d.setHere ? 'set' : 'the default'}) and ${hubValues(d)} on the hub`,
  );
  return {
    name: 'settings',
    status: 'note',
    detail: `${listed.join('; ')}: the hub's applies${untold ? `; ${untold}` : ''}`,
    fix: `to change them, set them in ${whereToSet(differences.flatMap((d) => d.hubs))}`,
  };
}
