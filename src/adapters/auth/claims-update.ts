import { readFileSync } from 'node:fs';
import { credsAuthenticator } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';

const UPDATE_TIMEOUT_MS = 5_000;

/**
 * Hands a re-signed account JWT to the running server (and, through it, to its cluster) as the
 * system user: the `full` resolver stores it and the server applies it at once, so a revoked
 * agent is disconnected without a restart.
 */
export async function pushAccountJwt(server: string, systemCreds: string, jwt: string): Promise<void> {
  const authenticator = credsAuthenticator(new Uint8Array(readFileSync(systemCreds)));
  const nc = await connect({ servers: server, authenticator, name: 'warp-auth' });
  try {
    const reply = (await nc.request('$SYS.REQ.CLAIMS.UPDATE', jwt, { timeout: UPDATE_TIMEOUT_MS })).json<{
      error?: { description?: string };
    }>();
    if (reply.error) throw new Error(`the server refused the account update: ${reply.error.description ?? 'unknown'}`);
  } finally {
    await nc.close();
  }
}
