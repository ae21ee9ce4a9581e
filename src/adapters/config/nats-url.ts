import { ConfigError } from './config-error.js';

export type NatsTransport = 'tcp' | 'websocket';

/** Everything needed to connect; `servers` never carries credentials. */
export interface NatsConnectionOptions {
  readonly servers: string;
  readonly transport: NatsTransport;
  readonly tls: boolean;
  readonly user?: string;
  readonly pass?: string;
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

/** What is wrong with a NATS URL, safe to show (credentials redacted); undefined when it is fine. */
export function natsUrlProblem(natsUrl: string): string | undefined {
  return tryParse(natsUrl) ? undefined : `expected ${NATS_URL_HINT} (got ${JSON.stringify(redactUrl(natsUrl))})`;
}

function parseNatsUrl(natsUrl: string): URL {
  const url = tryParse(natsUrl);
  if (!url) throw new ConfigError(`NATS_URL: ${natsUrlProblem(natsUrl)}`);
  return url;
}

function decode(part: string, what: string): string | undefined {
  if (part === '') return undefined;
  try {
    return decodeURIComponent(part);
  } catch {
    throw new ConfigError(`NATS_URL: the ${what} is not valid percent-encoding (encode special characters, e.g. "@" as %40)`);
  }
}

/**
 * Splits a NATS URL into a credential-free server address, transport and credentials.
 * Credentials in the URL win over NATS_USER / NATS_PASS, field by field.
 */
export function resolveNatsConnection(natsUrl: string, user?: string, pass?: string): NatsConnectionOptions {
  const url = parseNatsUrl(natsUrl);
  const scheme = SCHEMES[url.protocol]!;
  const finalUser = decode(url.username, 'user name') ?? (user || undefined);
  const finalPass = decode(url.password, 'password') ?? (pass || undefined);
  // A WebSocket proxy may route by path; a TCP address has none.
  const path = scheme.transport === 'websocket' && url.pathname !== '/' ? url.pathname : '';
  return {
    servers: `${url.protocol}//${url.host}${path}${scheme.transport === 'websocket' ? url.search : ''}`,
    transport: scheme.transport,
    tls: scheme.tls,
    ...(finalUser !== undefined ? { user: finalUser } : {}),
    ...(finalPass !== undefined ? { pass: finalPass } : {}),
  };
}

/** Replaces the user info of a URL (`user:pass@`) with `***@`. Over-redacts rather than leaks. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^\s]*@/i, '$1***@');
}

const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi;

/** Masks every known secret (raw and percent-encoded) and any URL user info in free text. */
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
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    out = out.split(form).join('***');
  }
  return out;
}
