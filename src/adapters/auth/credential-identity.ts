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
  try {
    const claims = userClaimsSchema.safeParse(decode(jwt));
    if (!claims.success) return undefined;
    const { iss, exp, nats } = claims.data;
    if ((nats.issuer_account ?? iss) !== account || iss !== account) return undefined;
    if (exp !== undefined && exp <= nowSeconds) return undefined;
    return { ...nats.warp, ...(nats.payload !== undefined ? { maxPayload: nats.payload } : {}) };
  } catch {
    return undefined;
  }
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
