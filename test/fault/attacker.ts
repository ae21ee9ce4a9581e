import { readFileSync } from 'node:fs';
import { credsAuthenticator, type Msg, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { credsIdentity, type CredentialIdentity } from '../../src/adapters/auth/credential-identity.js';

/** A raw nats.js client holding one agent's credentials, and every refusal the server sends it. */
export class Attacker {
  readonly received: Msg[] = [];
  private readonly violations: Array<{ operation: string; subject: string }> = [];
  private waiters: Array<() => void> = [];

  private constructor(
    readonly nc: NatsConnection,
    readonly identity: CredentialIdentity,
    readonly jwt: string,
  ) {
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type !== 'error') continue;
        const error = s.error as { operation?: string; subject?: string };
        if (error.subject) this.violations.push({ operation: error.operation ?? '', subject: error.subject });
        for (const wake of this.waiters.splice(0)) wake();
      }
    })();
  }

  static async connect(url: string, creds: string): Promise<Attacker> {
    const text = readFileSync(creds, 'utf8');
    const identity = credsIdentity(text)!;
    const nc = await connect({
      servers: url,
      authenticator: credsAuthenticator(new TextEncoder().encode(text)),
      inboxPrefix: `_INBOX_${identity.guid}`,
      reconnect: false,
    });
    const jwt = /-----BEGIN NATS USER JWT-----\s*(\S+?)\s*------END/.exec(text)![1]!;
    return new Attacker(nc, identity, jwt);
  }

  /** Resolves once the server has refused `operation` on `subject`. */
  async refused(operation: 'publish' | 'subscription', subject: string): Promise<void> {
    const seen = () => this.violations.some((v) => v.operation === operation && v.subject === subject);
    while (!seen()) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  listen(subject: string): void {
    this.nc.subscribe(subject, {
      callback: (error, m) => {
        if (!error) this.received.push(m);
      },
    });
  }

  /** A hub request as raw bytes on `subject`, whatever the body claims. */
  async ask(subject: string, body: Record<string, unknown>): Promise<{ ok: boolean; error?: { code: string } }> {
    return (await this.nc.request(subject, JSON.stringify(body), { timeout: 5_000 })).json();
  }

  session(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      namespace: this.identity.namespace,
      hostname: 'evil',
      username: 'mallory',
      holder: { session: 'forged', pid: 1 },
      ...extra,
    };
  }
}
