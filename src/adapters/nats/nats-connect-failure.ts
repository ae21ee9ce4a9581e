import type { NatsTls } from './nats-tls.js';

const HOW_TO_FIX =
  'Start one with `nats-server -js`, point NATS_URL at a running server, or run without NATS: WARP_BACKEND=memory.';

/** Node's codes for a server certificate it could not check against the trusted CAs. */
const UNTRUSTED_CERTIFICATE = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
]);

/** What to do about a failed connection, for the message that names the server and the reason. */
export function connectFailureHint(error: unknown, tls: NatsTls | undefined): string {
  if (!tls) return HOW_TO_FIX;
  const reason = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | undefined)?.code;
  if (/does not support 'tls'|'tls' is not available/.test(reason))
    return (
      'NATS_URL asks for TLS but the server does not offer it, so nothing was sent (credentials included). ' +
      'Enable TLS on the server, or use nats:// (ws://) only on a network you trust.'
    );
  if (typeof code === 'string' && UNTRUSTED_CERTIFICATE.has(code))
    return "The server's certificate is not signed by a CA this machine trusts: set NATS_CA to the CA's PEM file.";
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return "The server's certificate is not for the host in NATS_URL: connect by a name (or IP) the certificate lists.";
  // With TLS 1.3 a server refuses a missing client certificate after the handshake: the client sees a timeout or a closed socket.
  return tls.certFile === undefined
    ? `${HOW_TO_FIX} If the server verifies client certificates, set NATS_CERT and NATS_KEY.`
    : HOW_TO_FIX;
}
