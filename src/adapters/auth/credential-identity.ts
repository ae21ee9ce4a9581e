import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { decode } from '@nats-io/jwt';
import { z } from 'zod';

/**
 * The host every credentialed agent is registered under: an agent's guid is derived from its
 * project, host and handle, so a fixed host makes the guid a property of the credential alone.
 */
export const CREDENTIAL_HOST = 'nats-credential';

/** Who a credential says its holder is: written into the user JWT by `warp auth add-agent`. */
export const credentialIdentitySchema = z.object({
  /** The server's per-message limit for this agent (-1: none), from the same JWT. */
  maxPayload: z.number().optional(),
  namespace: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
  handle: z.string().min(1).max(64),
  guid: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
  user: z.string().min(1).max(256),
});

export type CredentialIdentity = z.infer<typeof credentialIdentitySchema>;

const userClaimsSchema = z.object({
  iss: z.string(),
  sub: z.string(),
  exp: z.number().optional(),
  nats: z.object({
    type: z.literal('user'),
    issuer_account: z.string().optional(),
    payload: z.number().optional(),
    warp: credentialIdentitySchema,
  }),
});

/**
 * The identity a user JWT carries, once its signature is checked and its issuer is `account` (the
 * Warp account's public key); undefined for anything else. The JWT is public (the server holds
 * it too): what proves its holder is the subject the request came on, which only that
 * credential may publish to.
 */
export function verifiedIdentity(jwt: string, account: string, nowSeconds: number): CredentialIdentity | undefined {
  const claims = userClaimsSchema.safeParse(signedClaims(jwt, account));
  if (!claims.success) return undefined;
  const { iss, exp, nats } = claims.data;
  if ((nats.issuer_account ?? iss) !== account || iss !== account) return undefined;
  if (exp !== undefined && exp <= nowSeconds) return undefined;
  return { ...nats.warp, ...(nats.payload !== undefined ? { maxPayload: nats.payload } : {}) };
}

/**
 * The claims of a JWT signed by `account`, checked with node's own ed25519 (tens of microseconds;
 * the JWT library's pure-JS check took 12-16 ms, which let a flood of requests hold the hub).
 */
function signedClaims(jwt: string, account: string): unknown {
  const [header, body, signature, ...rest] = jwt.split('.');
  if (!header || !body || !signature || rest.length) return undefined;
  try {
    const { typ, alg } = JSON.parse(Buffer.from(header, 'base64url').toString()) as { typ?: unknown; alg?: unknown };
    if (typ !== 'JWT' && typ !== 'jwt') return undefined;
    // v2 signs header and body; v1 the body alone.
    const signed = alg === 'ed25519-nkey' ? `${header}.${body}` : alg === 'ed25519' ? body : undefined;
    const key = signed !== undefined ? accountKey(account) : undefined;
    if (!key || !verify(null, Buffer.from(signed!), key, Buffer.from(signature, 'base64url'))) return undefined;
    return JSON.parse(Buffer.from(body, 'base64url').toString());
  } catch {
    return undefined;
  }
}

const accountKeys = new Map<string, KeyObject | undefined>();

/** An account's nkey (`A…`: base32 of a prefix byte, the 32-byte ed25519 key and a CRC) as a key object. */
function accountKey(account: string): KeyObject | undefined {
  if (!accountKeys.has(account)) {
    const raw = base32(account);
    const key =
      raw?.length === 35 && raw[0] === ACCOUNT_PREFIX && crc16(raw.subarray(0, 33)) === raw.readUInt16LE(33)
        ? createPublicKey({
            key: { kty: 'OKP', crv: 'Ed25519', x: raw.subarray(1, 33).toString('base64url') },
            format: 'jwk',
          })
        : undefined;
    accountKeys.set(account, key);
  }
  return accountKeys.get(account);
}

/** nkeys' prefix byte of an account public key ('A'). */
const ACCOUNT_PREFIX = 0 << 3;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(text: string): Buffer | undefined {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of text) {
    const digit = BASE32.indexOf(char);
    if (digit < 0) return undefined;
    value = (value << 5) | digit;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** CRC-16/XMODEM, as nkeys checksums its keys. */
function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** The user JWT and the account it belongs to, from a `.creds` file's text. */
export function credsJwt(creds: string): { jwt: string; account: string } {
  const jwt = /-----BEGIN NATS USER JWT-----\s*(\S+?)\s*------END NATS USER JWT------/.exec(creds)?.[1];
  if (!jwt) throw new Error('not a NATS credentials file (no user JWT)');
  const claims = decode<{ issuer_account?: string }>(jwt);
  return { jwt, account: claims.nats.issuer_account ?? claims.iss };
}

/** The Warp identity a `.creds` file carries, if it is an agent's. */
export function credsIdentity(creds: string): CredentialIdentity | undefined {
  const { jwt, account } = credsJwt(creds);
  return verifiedIdentity(jwt, account, Math.floor(Date.now() / 1000));
}
