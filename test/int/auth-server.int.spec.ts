import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { credsAuthenticator, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthDirectory } from '../../src/adapters/auth/auth-directory.js';
import { addAgent, credentialGuid, initAuthority, revokeAgent } from '../../src/adapters/auth/auth-provisioning.js';
import { pushAccountJwt } from '../../src/adapters/auth/claims-update.js';
import { credsIdentity } from '../../src/adapters/auth/credential-identity.js';
import { connectNats } from '../../src/adapters/nats/nats-connection.js';
import { startNatsServer, type NatsServerHandle } from '../support/nats-server.js';
import { makeTestCertificates } from '../support/tls-certificates.js';

const authOf = (file: string) => credsAuthenticator(new Uint8Array(readFileSync(file)));

describe('warp auth against a nats-server started with the configuration it writes', () => {
  let root: string;
  let dir: AuthDirectory;
  let server: NatsServerHandle;
  const open: NatsConnection[] = [];
  const as = async (creds: string, inboxPrefix?: string): Promise<NatsConnection> => {
    const nc = await connect({
      servers: server.url,
      authenticator: authOf(creds),
      reconnect: false,
      ...(inboxPrefix ? { inboxPrefix } : {}),
    });
    open.push(nc);
    return nc;
  };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'warp-auth-'));
    dir = new AuthDirectory(join(root, 'auth'));
    await initAuthority(dir);
    server = await startNatsServer({ configFile: dir.serverConfig });
  });
  afterAll(async () => {
    await Promise.all(open.map((nc) => nc.close().catch(() => undefined)));
    await server?.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it('keeps keys and credentials owner-only and refuses to initialise twice', async () => {
    for (const file of [dir.hubCreds, dir.systemCreds, dir.path('keys', 'operator.nk')])
      expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dir.root).mode & 0o777).toBe(0o700);
    await expect(initAuthority(dir)).rejects.toThrow(/already holds Warp keys/);
  });

  it('refuses projects and names that would widen subject permissions', async () => {
    for (const [namespace, handle] of [
      ['*', 'eve'],
      ['proj-a.x', 'eve'],
      ['proj-a', '>'],
      ['Proj', 'eve'],
    ])
      await expect(addAgent(dir, { namespace: namespace!, handle: handle!, user: 'eve' })).rejects.toThrow(
        /lowercase letters/,
      );
  });

  it('lets the hub administer JetStream within the account limits', async () => {
    const jsm = await jetstreamManager(await as(dir.hubCreds));
    await jsm.streams.add({ name: 'AUTH_PROBE', subjects: ['warp.probe.>'] });
    const { limits } = await jsm.getAccountInfo();
    // No storage quota by default: the server would reserve every channel's max_bytes against it.
    expect(limits).toMatchObject({ max_storage: -1, max_memory: 1_073_741_824 });
  });

  it('issues agent credentials carrying a fixed identity, usable without a restart, and revokes them live', async () => {
    const file = await addAgent(dir, { namespace: 'proj-a', handle: 'alice', user: 'ann' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const identity = credsIdentity(readFileSync(file, 'utf8'));
    expect(identity).toEqual({
      maxPayload: 262_144,
      namespace: 'proj-a',
      handle: 'alice',
      user: 'ann',
      guid: credentialGuid('proj-a', 'alice'),
    });
    const agent = await as(file, `_INBOX_${identity!.guid}`);
    const closed = agent.closed();
    const { jwt } = await revokeAgent(dir, 'proj-a', 'alice');
    await pushAccountJwt(server.url, dir.systemCreds, jwt);
    expect(String(await closed)).toMatch(/revoked|authorization/i);
    await expect(as(file)).rejects.toThrow(/authorization|revoked/i);
  });

  it('serves TLS with certificates added to its configuration; Warp connects with NATS_CA and the creds', async () => {
    const certs = makeTestCertificates(mkdtempSync(join(root, 'tls-')));
    const file = await addAgent(dir, { namespace: 'proj-t', handle: 'tina', user: 'tina' });
    const tls = `tls {\n  cert_file: ${JSON.stringify(certs.serverCertFile)}\n  key_file: ${JSON.stringify(certs.serverKeyFile)}\n}\n`;
    writeFileSync(dir.path('local.conf'), tls);
    const secure = await startNatsServer({ configFile: dir.serverConfig });
    try {
      const url = secure.url.replace('nats://', 'tls://');
      const hub = await connectNats({
        servers: url,
        transport: 'tcp',
        tls: { caFile: certs.caFile },
        creds: new Uint8Array(readFileSync(dir.hubCreds)),
      });
      expect((await hub.jsm.getAccountInfo()).limits.max_memory).toBe(1_073_741_824);
      await hub.close();
      const guid = credentialGuid('proj-t', 'tina');
      const agent = await connectNats({
        servers: url,
        transport: 'tcp',
        tls: { caFile: certs.caFile },
        creds: new Uint8Array(readFileSync(file)),
        inboxPrefix: `_INBOX_${guid}`,
        withoutJetStream: true,
      });
      expect(agent.nc.info?.tls_required).toBe(true);
      await agent.close();
    } finally {
      await secure.dispose();
    }
  });
});
