import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

/** Beside `hub.creds`, where `warp hub` looks for its listening credential. */
export const HUB_LISTEN_CREDS = 'hub-listen.creds';

/** One agent credential `add-agent` issued; `revokedAt` once revoked. */
export const issuedAgentSchema = z.object({
  namespace: z.string(),
  handle: z.string(),
  user: z.string(),
  guid: z.string(),
  /** The user's public nkey: what a revocation names. */
  key: z.string(),
  issuedAt: z.string(),
  revokedAt: z.string().optional(),
  creds: z.string(),
});

export type IssuedAgent = z.infer<typeof issuedAgentSchema>;

const agentsSchema = z.array(issuedAgentSchema);

/**
 * The files of one authority directory. Seeds and credentials are written 0600 in a 0700
 * directory and never printed: only their paths are.
 */
export class AuthDirectory {
  readonly root: string;

  constructor(dir: string) {
    this.root = resolve(dir);
  }

  path(...parts: string[]): string {
    return join(this.root, ...parts);
  }

  get serverConfig(): string {
    return this.path('nats-server.conf');
  }
  get hubCreds(): string {
    return this.path('hub.creds');
  }
  /** The hub's second credential: it hears requests and answers them, and has no JetStream rights (ADR 0030). */
  get hubListenCreds(): string {
    return this.path(HUB_LISTEN_CREDS);
  }
  get systemCreds(): string {
    return this.path('sys.creds');
  }
  get operatorJwt(): string {
    return this.path('operator.jwt');
  }
  agentCreds(namespace: string, handle: string): string {
    return this.path('agents', namespace, `${handle}.creds`);
  }

  /** Set up already: `init` refuses to replace keys that credentials in use were signed with. */
  initialized(): boolean {
    return existsSync(this.path('keys'));
  }

  makeDirs(...dirs: string[][]): void {
    mkdirSync(this.root, { recursive: true, mode: 0o700 });
    chmodSync(this.root, 0o700);
    for (const dir of dirs) mkdirSync(this.path(...dir), { recursive: true, mode: 0o700 });
  }

  /** A secret (seed, credentials): owner-only, and never replaced unless `replace`. */
  writeSecret(file: string, content: string | Uint8Array, replace = false): void {
    writeFileSync(file, content, { mode: 0o600, flag: replace ? 'w' : 'wx' });
    chmodSync(file, 0o600);
  }

  writePublic(file: string, content: string): void {
    writeFileSync(file, content, { mode: 0o600 });
  }

  read(file: string): string {
    return readFileSync(file, 'utf8');
  }

  seed(name: 'operator' | 'account' | 'system'): Uint8Array {
    return new TextEncoder().encode(this.read(this.path('keys', `${name}.nk`)).trim());
  }

  agents(): IssuedAgent[] {
    const file = this.path('agents.json');
    return existsSync(file) ? agentsSchema.parse(JSON.parse(this.read(file))) : [];
  }

  saveAgents(agents: readonly IssuedAgent[]): void {
    this.writeSecret(this.path('agents.json'), `${JSON.stringify(agents, null, 2)}\n`, true);
  }
}
