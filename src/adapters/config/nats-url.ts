import { ConfigError } from './config-error.js';

export type NatsTransport = 'tcp' | 'websocket';

/** Everything needed to connect; `servers` (comma-separated for a cluster) never carries credentials. */
export interface NatsConnectionOptions {
  readonly servers: string;
  readonly transport: NatsTransport;
  readonly tls: boolean;
  readonly user?: string;
  readonly pass?: string;
  /** User info without a password (`nats://TOKEN@host`): a token, as the NATS clients read such a URL. */
  readonly token?: string;
}

const SCHEMES: Readonly<Record<string, { transport: NatsTransport; tls: boolean }>> = {
  'nats:': { transport: 'tcp', tls: false },
  'tls:': { transport: 'tcp', tls: true },
  'ws:': { transport: 'websocket', tls: false },
  'wss:': { transport: 'websocket', tls: true },
};

export const NATS_URL_HINT = 'a URL starting with nats://, tls://, ws:// or wss:// (e.g. nats://localhost:4222)';

function tryParse(natsUrl: string): URL | undefined {
  try {
    const url = new URL(natsUrl.trim());
    return SCHEMES[url.protocol] && url.hostname !== '' ? url : undefined;
  } catch {
    return undefined;
  }
}

const splitList = (natsUrl: string): string[] => natsUrl.split(',').map((u) => u.trim());

/** What is wrong with a NATS URL (or a comma-separated list of them), safe to show; undefined when it is fine. */
export function natsUrlProblem(natsUrl: string): string | undefined {
  const bad = splitList(natsUrl).find((u) => !tryParse(u));
  if (bad !== undefined)
    return `expected ${NATS_URL_HINT}, or several separated by commas (got ${JSON.stringify(redactUrl(bad))})`;
  const schemes = splitList(natsUrl).map((u) => SCHEMES[tryParse(u)!.protocol]!);
  if (new Set(schemes.map((s) => s.transport)).size > 1) return 'a list of servers must not mix WebSocket and TCP URLs';
  // TLS is one setting for the whole connection: a mixed list would make it optional.
  if (new Set(schemes.map((s) => s.tls)).size > 1)
    return 'a list of servers must not mix TLS (tls://, wss://) and plain (nats://, ws://) URLs';
  return undefined;
}

function parseNatsUrls(natsUrl: string): URL[] {
  const problem = natsUrlProblem(natsUrl);
  if (problem) throw new ConfigError(`NATS_URL: ${problem}`);
  return splitList(natsUrl).map((u) => tryParse(u)!);
}

function decode(part: string, what: string): string | undefined {
  if (part === '') return undefined;
  try {
    return decodeURIComponent(part);
  } catch {
    throw new ConfigError(
      `NATS_URL: the ${what} is not valid percent-encoding (encode special characters, e.g. "@" as %40)`,
    );
  }
}

/**
 * Splits a NATS URL (or a comma-separated list, for a cluster) into credential-free server
 * addresses, transport and credentials. Credentials in a URL (the first that has them) win
 * over NATS_USER / NATS_PASS, field by field; a URL's user without a password, and no NATS_PASS,
 * is a token (`nats://TOKEN@host`).
 */
export function resolveNatsConnection(natsUrl: string, user?: string, pass?: string): NatsConnectionOptions {
  const urls = parseNatsUrls(natsUrl);
  const scheme = SCHEMES[urls[0]!.protocol]!;
  const withUser = urls.find((u) => u.username !== '');
  const withPass = urls.find((u) => u.password !== '');
  const urlUser = withUser && decode(withUser.username, 'user name');
  const urlPass = withPass && decode(withPass.password, 'password');
  const token = urlUser !== undefined && urlPass === undefined && !pass ? urlUser : undefined;
  const finalUser = token === undefined ? (urlUser ?? (user || undefined)) : undefined;
  const finalPass = urlPass ?? (pass || undefined);
  const address = (url: URL): string => {
    // A WebSocket proxy may route by path; a TCP address has none.
    const path = scheme.transport === 'websocket' && url.pathname !== '/' ? url.pathname : '';
    return `${url.protocol}//${url.host}${path}${scheme.transport === 'websocket' ? url.search : ''}`;
  };
  return {
    servers: urls.map(address).join(','),
    transport: scheme.transport,
    tls: scheme.tls,
    ...(finalUser !== undefined ? { user: finalUser } : {}),
    ...(finalPass !== undefined ? { pass: finalPass } : {}),
    ...(token !== undefined ? { token } : {}),
  };
}

/** What a log must never show of a connection: its password and token. A user name is no secret. */
export const connectionSecrets = (connection: NatsConnectionOptions): string[] =>
  [connection.pass, connection.token].filter((s): s is string => Boolean(s));

/**
 * Replaces the user info of a URL (`user:pass@`) with `***@`, also in text that is no URL at all
 * (`nats//user:pass@host`): everything before the last "@" goes but a well-formed scheme.
 * Over-redacts rather than leaks.
 */
export function redactUrl(url: string): string {
  const at = url.lastIndexOf('@');
  if (at < 0) return url;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0] ?? '';
  return `${scheme}***${url.slice(at)}`;
}

/** Whether the URL (or list) asks for an encrypted connection: tls:// or wss://. Assumes a valid URL. */
export function natsUrlRequiresTls(natsUrl: string): boolean {
  const first = tryParse(splitList(natsUrl)[0]!);
  return first !== undefined && SCHEMES[first.protocol]!.tls;
}

const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi;
const WORD_CHAR = /[\p{L}\p{N}]/u;

/**
 * Masks every known secret (raw, percent-encoded and as inside JSON) and any URL user info in free
 * text. A secret is masked where it stands on its own, never inside a longer word: a password "p"
 * leaves "help" alone and masks "pass=p".
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text.replace(URL_USERINFO, '$1***@');
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(JSON.stringify(secret).slice(1, -1)); // as it appears inside logged JSON
  }
  // Longest first, so a secret containing another is masked whole.
  for (const form of [...forms].sort((a, b) => b.length - a.length)) out = maskAlone(out, form);
  return out;
}

/** `text` with each occurrence of `secret` that does not run on into a letter or digit replaced by `***`. */
function maskAlone(text: string, secret: string): string {
  // Only an edge that is itself a letter or digit can run on into a word.
  const joins = (edge: string | undefined, next: string | undefined): boolean =>
    edge !== undefined && next !== undefined && WORD_CHAR.test(edge) && WORD_CHAR.test(next);
  let out = '';
  let from = 0;
  for (let at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + 1)) {
    if (at < from) continue;
    const end = at + secret.length;
    if (joins(secret[0], text[at - 1]) || joins(secret[secret.length - 1], text[end])) continue;
    out += `${text.slice(from, at)}***`;
    from = end;
  }
  return out + text.slice(from);
}
