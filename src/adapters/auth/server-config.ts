/** What `nats-server.conf` names; every path absolute, so the server may start from anywhere. */
export interface ServerConfigInput {
  readonly operatorJwtPath: string;
  readonly systemAccount: string;
  readonly resolverDir: string;
  /** Account public key → its current JWT: loaded at start, so the server needs no other source. */
  readonly preload: Readonly<Record<string, string>>;
}

const quoted = (value: string): string => JSON.stringify(value);

/** Next to nats-server.conf, included by it (nats-server resolves includes relative to the including file). */
export const LOCAL_CONFIG = 'local.conf';

/**
 * Operator mode with a `full` resolver: accounts are preloaded, later account updates (a
 * revocation) are pushed by the system user through `$SYS.REQ.CLAIMS.UPDATE`, and users need
 * nothing on the server at all (their JWT is signed by the account), so adding an agent never
 * touches the running server. `-a`, `-p` and `-sd` on the command line complete it.
 */
export function renderServerConfig(input: ServerConfigInput): string {
  const preload = Object.entries(input.preload)
    .map(([key, jwt]) => `  ${key}: ${quoted(jwt)}`)
    .join('\n');
  return [
    '# Written by `warp auth init` (and rewritten by `warp auth revoke`); see ADR 0022.',
    '# Start: nats-server -c nats-server.conf [-a ADDRESS] [-p PORT] [-sd STORE_DIR]',
    `operator: ${quoted(input.operatorJwtPath)}`,
    `system_account: ${input.systemAccount}`,
    '# JetStream stores where -sd says (a store_dir here would clash with -sd): give it one that lasts.',
    'jetstream: enabled',
    `resolver: { type: full, dir: ${quoted(input.resolverDir)}, allow_delete: false, interval: "2m", timeout: "5s" }`,
    'resolver_preload: {',
    preload,
    '}',
    '# Your additions (tls, cluster, limits) go in local.conf: revoke rewrites this file, never that one.',
    `include ${LOCAL_CONFIG}`,
    '',
  ].join('\n');
}
