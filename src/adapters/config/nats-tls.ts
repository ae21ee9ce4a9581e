import { accessSync, constants } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from './config-error.js';
import { natsUrlRequiresTls } from './nats-url.js';

/** PEM files for TLS to NATS, as absolute paths that were readable at startup. */
export interface NatsTlsFiles {
  /** The CA that signed the server's certificate, when it is not one the system trusts. */
  readonly caFile?: string;
  /** A client certificate and its key, for servers that verify clients. */
  readonly certFile?: string;
  readonly keyFile?: string;
}

export interface NatsTlsVariables {
  readonly NATS_CA?: string | undefined;
  readonly NATS_CERT?: string | undefined;
  readonly NATS_KEY?: string | undefined;
}

function readable(variable: string, path: string, cwd: string): string {
  const absolute = resolve(cwd, path);
  try {
    accessSync(absolute, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(`${variable}: cannot read ${JSON.stringify(absolute)} (${code}); set it to a PEM file`);
  }
  return absolute;
}

/**
 * Checks NATS_CA / NATS_CERT / NATS_KEY against NATS_URL: the files only make sense with TLS
 * (tls:// or wss://), a certificate needs its key, and each file must be readable.
 * Undefined when none is set.
 *
 * @example natsTlsFiles('tls://h:4222', { NATS_CA: 'ca.pem' }, '/repo') // { caFile: '/repo/ca.pem' }
 */
export function natsTlsFiles(natsUrl: string, vars: NatsTlsVariables, cwd: string): NatsTlsFiles | undefined {
  const { NATS_CA: ca, NATS_CERT: cert, NATS_KEY: key } = vars;
  if (ca === undefined && cert === undefined && key === undefined) return undefined;
  const set = (['NATS_CA', 'NATS_CERT', 'NATS_KEY'] as const).filter((name) => vars[name] !== undefined);
  if (!natsUrlRequiresTls(natsUrl))
    throw new ConfigError(
      `${set.join(', ')}: TLS files need a TLS connection; start NATS_URL with tls:// (or wss://) instead of nats:// (or ws://)`,
    );
  if ((cert === undefined) !== (key === undefined)) {
    const [missing, given] = cert === undefined ? ['NATS_CERT', 'NATS_KEY'] : ['NATS_KEY', 'NATS_CERT'];
    throw new ConfigError(
      `${missing}: not set, but ${given} is; a client certificate needs its key, so set both NATS_CERT and NATS_KEY, or neither`,
    );
  }
  return {
    ...(ca !== undefined ? { caFile: readable('NATS_CA', ca, cwd) } : {}),
    ...(cert !== undefined ? { certFile: readable('NATS_CERT', cert, cwd) } : {}),
    ...(key !== undefined ? { keyFile: readable('NATS_KEY', key, cwd) } : {}),
  };
}
