import {
  createAccount,
  createOperator,
  createUser,
  encodeAccount,
  encodeOperator,
  encodeUser,
  fmtCreds,
  fromSeed,
  type Account,
  type KeyPair,
} from '@nats-io/jwt';
import { NAME_PATTERN } from '../../domain/index.js';
import { CryptoIds } from '../system/crypto-ids.js';
import type { AuthDirectory } from './auth-directory.js';
import { type IssuedAgent } from './auth-directory.js';
import { agentPermissions } from './agent-permissions.js';
import { hubListenerPermissions } from './hub-listener-permissions.js';
import { CREDENTIAL_HOST, type CredentialIdentity } from './credential-identity.js';
import { LOCAL_CONFIG, renderServerConfig } from './server-config.js';

/** The project's share of the server: JetStream limits of the Warp account (ADR 0022). */
export interface AccountQuota {
  readonly maxStorageBytes: number;
  readonly maxMemoryBytes: number;
  readonly maxStreams: number;
  readonly maxConsumers: number;
}

export const DEFAULT_QUOTA: AccountQuota = {
  // Unlimited: every stream with a byte limit reserves it from the account (ADR 0023), so a fixed
  // total caps how many projects fit; the server's max_file_store still bounds the disk.
  maxStorageBytes: -1,
  maxMemoryBytes: 1_073_741_824,
  maxStreams: -1,
  maxConsumers: -1,
};
/** Largest message one agent may publish: a hub request carries a message body (64 KiB by default) and its envelope. */
export const DEFAULT_AGENT_PAYLOAD = 262_144;

/** Unset limits in an account JWT mean zero: these lift the core ones. */
const UNLIMITED = { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 };

function accountClaims(quota: AccountQuota, revocations: Record<string, number> = {}): Partial<Account> {
  return {
    limits: {
      ...UNLIMITED,
      disk_storage: quota.maxStorageBytes,
      mem_storage: quota.maxMemoryBytes,
      streams: quota.maxStreams,
      consumer: quota.maxConsumers,
    },
    ...(Object.keys(revocations).length > 0 ? { revocations } : {}),
  };
}

/**
 * `warp auth init`: an operator, the Warp account (hub and agents) and the system account, the
 * server configuration that trusts them, the hub's and the system user's credentials.
 */
export async function initAuthority(dir: AuthDirectory, quota: AccountQuota = DEFAULT_QUOTA): Promise<void> {
  if (dir.initialized()) throw new Error(`${dir.root} already holds Warp keys; refusing to replace them`);
  dir.makeDirs(['keys'], ['agents'], ['jwt']);
  const operator = createOperator();
  const account = createAccount();
  const system = createAccount();
  dir.writeSecret(dir.path('keys', 'operator.nk'), operator.getSeed());
  dir.writeSecret(dir.path('keys', 'account.nk'), account.getSeed());
  dir.writeSecret(dir.path('keys', 'system.nk'), system.getSeed());
  dir.writePublic(dir.path('quota.json'), `${JSON.stringify(quota)}\n`);
  dir.writePublic(
    dir.path(LOCAL_CONFIG),
    '# Included by nats-server.conf: add tls { cert_file, key_file } and the like here.\n',
  );
  const systemKey = system.getPublicKey();
  dir.writePublic(dir.operatorJwt, await encodeOperator('warp', operator, { system_account: systemKey }));
  await writeAccounts(dir, quota, {});
  dir.writeSecret(dir.hubCreds, await userCreds('warp-hub', account, {}));
  await issueHubListener(dir, account);
  dir.writeSecret(dir.systemCreds, await userCreds('warp-system', system, {}));
}

/**
 * The hub's listening credential (ADR 0030); `warp auth listen-creds` issues it for a directory
 * made before it existed.
 */
export async function issueHubListener(dir: AuthDirectory, account?: KeyPair): Promise<string> {
  if (!dir.initialized()) throw new Error(`${dir.root} holds no Warp keys; run \`warp auth init --dir ${dir.root}\``);
  const signer = account ?? fromSeed(dir.seed('account'));
  dir.writeSecret(
    dir.hubListenCreds,
    await userCreds('warp-hub-listen', signer, { ...hubListenerPermissions() }),
    true,
  );
  return dir.hubListenCreds;
}

/** Signs both accounts and rewrites the server configuration that preloads them. */
async function writeAccounts(
  dir: AuthDirectory,
  quota: AccountQuota,
  revocations: Record<string, number>,
): Promise<{ account: string; jwt: string }> {
  const operator = fromSeed(dir.seed('operator'));
  const account = fromSeed(dir.seed('account'));
  const system = fromSeed(dir.seed('system'));
  const accountJwt = await encodeAccount('warp', account, accountClaims(quota, revocations), { signer: operator });
  const systemJwt = await encodeAccount('system', system, { limits: UNLIMITED }, { signer: operator });
  dir.writePublic(
    dir.serverConfig,
    renderServerConfig({
      operatorJwtPath: dir.operatorJwt,
      systemAccount: system.getPublicKey(),
      resolverDir: dir.path('jwt'),
      preload: { [account.getPublicKey()]: accountJwt, [system.getPublicKey()]: systemJwt },
    }),
  );
  return { account: account.getPublicKey(), jwt: accountJwt };
}

async function userCreds(name: string, account: KeyPair, claims: Record<string, unknown>): Promise<Uint8Array> {
  const user = createUser();
  const jwt = await encodeUser(name, user, account, claims);
  return fmtCreds(jwt, user);
}

export interface AddAgentInput {
  readonly namespace: string;
  readonly handle: string;
  readonly user: string;
  readonly maxPayload?: number;
}

/** The guid an agent registered with these credentials gets: the one the hub derives at register_agent. */
export const credentialGuid = (namespace: string, handle: string): string =>
  new CryptoIds().stableId(namespace, CREDENTIAL_HOST, handle);

/** `warp auth add-agent`: one agent's `.creds`, confined to its project and identity; returns its path. */
export async function addAgent(dir: AuthDirectory, input: AddAgentInput): Promise<string> {
  if (!dir.initialized()) throw new Error(`${dir.root} holds no Warp keys; run \`warp auth init --dir ${dir.root}\``);
  // Both end up in subject permissions: a dot or wildcard would widen them to other projects.
  for (const [what, value] of [
    ['project', input.namespace],
    ['name', input.handle],
  ] as const)
    if (!NAME_PATTERN.test(value))
      throw new Error(`--${what} must be 1-64 lowercase letters, digits or dashes (got ${JSON.stringify(value)})`);
  const agents = dir.agents();
  if (agents.some((a) => a.namespace === input.namespace && a.handle === input.handle && !a.revokedAt))
    throw new Error(`${input.handle} in ${input.namespace} already has credentials; revoke them first`);
  const guid = credentialGuid(input.namespace, input.handle);
  const identity: CredentialIdentity = { namespace: input.namespace, handle: input.handle, guid, user: input.user };
  const account = fromSeed(dir.seed('account'));
  const user = createUser();
  const jwt = await encodeUser(input.handle, user, account, {
    ...agentPermissions(input.namespace, guid),
    payload: input.maxPayload ?? DEFAULT_AGENT_PAYLOAD,
    subs: 64,
    warp: identity,
  } as never);
  dir.makeDirs(['agents', input.namespace]);
  const file = dir.agentCreds(input.namespace, input.handle);
  dir.writeSecret(file, fmtCreds(jwt, user), true);
  const issued: IssuedAgent = {
    ...identity,
    key: user.getPublicKey(),
    issuedAt: new Date().toISOString(),
    creds: file,
  };
  dir.saveAgents([...agents, issued]);
  return file;
}

/**
 * `warp auth revoke`: adds the agent's user key to the account's revocations and returns the
 * re-signed account JWT, which the caller pushes to the running server.
 */
export async function revokeAgent(
  dir: AuthDirectory,
  namespace: string,
  handle: string,
): Promise<{ account: string; jwt: string; revoked: IssuedAgent[] }> {
  const agents = dir.agents();
  const now = new Date();
  const revoked = agents.filter((a) => a.namespace === namespace && a.handle === handle && !a.revokedAt);
  if (revoked.length === 0) throw new Error(`no unrevoked credentials for ${handle} in ${namespace}`);
  const updated = agents.map((a) => (revoked.includes(a) ? { ...a, revokedAt: now.toISOString() } : a));
  const revocations: Record<string, number> = {};
  for (const a of updated) if (a.revokedAt) revocations[a.key] = Math.floor(Date.parse(a.revokedAt) / 1000) + 1;
  const quota = JSON.parse(dir.read(dir.path('quota.json'))) as AccountQuota;
  const signed = await writeAccounts(dir, quota, revocations);
  dir.saveAgents(updated);
  return { ...signed, revoked };
}
