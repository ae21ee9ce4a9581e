/**
 * TLS to NATS. Present (even empty) means TLS is required: a server that does not offer it is
 * refused before anything, credentials included, is sent. The files are PEM: a CA to trust
 * and a client certificate with its key.
 */
export interface NatsTls {
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
}

export const hasFiles = (tls: NatsTls): boolean =>
  tls.caFile !== undefined || tls.certFile !== undefined || tls.keyFile !== undefined;
