import { readFileSync } from 'node:fs';
import { credsJwt, verifiedIdentity, type CredentialIdentity } from '../auth/credential-identity.js';
import { ConfigError } from './config-error.js';

/** A `.creds` file as a session or hub uses it; its content is never logged. */
export interface NatsCreds {
  readonly content: Uint8Array;
  /** The account that signed it: the hub trusts agent identities this account signed. */
  readonly account: string;
  /** Who the holder is, when it is an agent's credential (absent for the hub's and the system user's). */
  readonly identity?: CredentialIdentity;
  /** The user JWT (public: the server has it too), sent to the hub so it can check the identity. */
  readonly jwt: string;
}

export function loadNatsCreds(file: string): NatsCreds {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`NATS_CREDS: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    const { jwt, account } = credsJwt(text);
    const identity = verifiedIdentity(jwt, account, Math.floor(Date.now() / 1000));
    return { content: new TextEncoder().encode(text), account, jwt, ...(identity ? { identity } : {}) };
  } catch {
    throw new ConfigError(`NATS_CREDS: ${file} is not a NATS credentials file (user JWT and nkey seed)`);
  }
}
