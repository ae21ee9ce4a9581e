import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Svcm } from '@nats-io/services';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUB_QUEUE, HUB_SERVICE } from '../../src/adapters/hub/hub-protocol.js';
import { HubProcess } from '../support/hub-process.js';
import { freePorts, startNatsServer, type NatsServerHandle } from '../support/nats-server.js';

const run = promisify(execFile);
const BIN = join(process.cwd(), 'dist/src/adapters/cli/bin.js');

interface Check {
  name: string;
  status: string;
  detail: string;
  fix?: string;
}

describe('warp doctor', () => {
  let project: string;

  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), 'warp-doctor-'));
    writeFileSync(join(project, '.loom-config.json'), JSON.stringify({ namespace: 'doctor-test' }));
  });

  const doctor = async (
    env: Record<string, string>,
    ...args: string[]
  ): Promise<{ code: number; stdout: string; stderr: string }> => {
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, 'doctor', ...args], {
        env: { ...process.env, MCP_PROJECT_PATH: project, LOG_LEVEL: '', ...env },
        timeout: 30_000,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  const checks = (stdout: string): Record<string, Check> =>
    Object.fromEntries((JSON.parse(stdout) as { checks: Check[] }).checks.map((c) => [c.name, c]));

  describe('against a nats-server with JetStream', () => {
    let server: NatsServerHandle;
    let hub: HubProcess | undefined;
    beforeAll(async () => {
      server = await startNatsServer();
    });
    afterAll(async () => {
      await hub?.stop();
      await server.dispose();
    });

    it('passes every check and exits 0; notes that no hub answers yet, then lists the one that does', async () => {
      const human = await doctor({ NATS_URL: server.url });
      expect(human.code).toBe(0);
      expect(human.stdout).toMatch(/^ok\s+node\s+v\d+/m);
      expect(human.stdout).toMatch(/^ok\s+config\s+.*\.loom-config\.json/m);
      expect(human.stdout).toMatch(/^ok\s+namespace\s+doctor-test \(from \.loom-config\.json\)/m);
      expect(human.stdout).toMatch(/^ok\s+nats\s+connected to nats:\/\/127\.0\.0\.1:\d+ \(nats-server \d/m);
      expect(human.stdout).toMatch(/^ok\s+jetstream\s+enabled/m);
      expect(human.stdout).toMatch(/^ok\s+credentials\s+none needed/m);
      expect(human.stdout).toMatch(
        /^note\s+hub\s+no Warp hub answers yet: the first session on this machine starts one/m,
      );
      expect(human.stdout).not.toMatch(/PROBLEM/);
      expect(human.stderr).toBe('');

      hub = await HubProcess.start({ NATS_URL: server.url });
      const json = await doctor({ NATS_URL: server.url }, '--json');
      expect(JSON.parse(json.stdout).ok).toBe(true);
      expect(checks(json.stdout)['hub']).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^hub \w+ v\d/) });

      // A hub of another version (one left running from before an upgrade, say) is pointed out.
      const nc = await connect({ servers: server.url });
      const old = await new Svcm(nc as never).add({ name: HUB_SERVICE, version: '0.0.1', queue: HUB_QUEUE });
      try {
        const mixed = await doctor({ NATS_URL: server.url }, '--json');
        expect(mixed.code).toBe(0);
        expect(checks(mixed.stdout)['hub']).toMatchObject({
          status: 'note',
          detail: expect.stringMatching(/v0\.0\.1 .*; one runs another version than this Warp \(v\d/),
          fix: expect.stringMatching(/restart a `warp hub` you run/),
        });
      } finally {
        await old.stop();
        await nc.close();
      }
      await hub.stop();
      hub = undefined;
    });

    it('never shows the credentials it connected with', async () => {
      const secret = 'Sup3r-s3cret';
      const url = server.url.replace('nats://', `nats://someone:${secret}@`);
      // Credentials in the URL: the first session starts a hub with them (ADR 0018), so none yet is a note.
      const alone = await doctor({ NATS_URL: url }, '--json');
      expect(alone.code).toBe(0);
      expect(checks(alone.stdout)['hub']).toMatchObject({
        status: 'note',
        detail: expect.stringMatching(/starts one/),
      });
      // WARP_HUB=external: nobody starts one, and none answering is a problem that says how to start one.
      const external = await doctor({ NATS_URL: url, WARP_HUB: 'external' }, '--json');
      expect(external.code).toBe(1);
      expect(checks(external.stdout)['hub']).toMatchObject({
        status: 'problem',
        fix: expect.stringMatching(/warp hub/),
      });
      const hub = await HubProcess.start({ NATS_URL: url });
      try {
        const result = await doctor({ NATS_URL: url }, '--json');
        expect(result.code).toBe(0);
        expect(checks(result.stdout)['credentials']?.detail).toBe('accepted');
        expect(checks(result.stdout)['hub']?.status).toBe('ok');
        for (const output of [alone, external, result]) expect(output.stdout + output.stderr).not.toContain(secret);
        expect(hub.stderr()).not.toContain(secret);
      } finally {
        await hub.stop();
      }
    });

    it('reports a bad project file with the field to fix and exits 1', async () => {
      const broken = mkdtempSync(join(tmpdir(), 'warp-doctor-bad-'));
      writeFileSync(join(broken, '.loom-config.json'), JSON.stringify({ channels: [{ name: 'Bad Name' }] }));
      const result = await doctor({ NATS_URL: server.url, MCP_PROJECT_PATH: broken }, '--json');
      expect(result.code).toBe(1);
      const config = checks(result.stdout)['config'];
      expect(config?.status).toBe('problem');
      expect(config?.detail).toMatch(/channels\[0\]\.name/);
      expect(config?.fix).toMatch(/loom-config/);
    });
  });

  it('says to enable JetStream, and exits 1, when the server has none', async () => {
    const plain = await startNatsServer({ jetstream: false });
    try {
      const result = await doctor({ NATS_URL: plain.url }, '--json');
      expect(result.code).toBe(1);
      const found = checks(result.stdout);
      expect(found['nats']?.status).toBe('ok');
      expect(found['jetstream']?.status).toBe('problem');
      expect(found['jetstream']?.fix).toMatch(/-js/);
      expect(result.stderr).toMatch(/1 check found a problem/);
    } finally {
      await plain.dispose();
    }
  });

  it('tells missing credentials from rejected ones, without echoing them', async () => {
    const secured = await startNatsServer({ auth: { user: 'alice', pass: 'wonder-land' } });
    try {
      const withUser = (user: string, pass: string): string =>
        secured.url.replace('nats://', `nats://${user}:${encodeURIComponent(pass)}@`);
      const none = await doctor({ NATS_URL: secured.url }, '--json');
      expect(none.code).toBe(1);
      expect(checks(none.stdout)['credentials']).toMatchObject({
        status: 'problem',
        detail: 'the server requires credentials',
      });
      const wrong = await doctor({ NATS_URL: withUser('alice', 'guessed-Pa55') }, '--json');
      expect(wrong.code).toBe(1);
      expect(checks(wrong.stdout)['credentials']?.detail).toMatch(/rejected/);
      expect(checks(wrong.stdout)['credentials']?.fix).toMatch(/NATS_USER/);
      expect(wrong.stdout + wrong.stderr).not.toContain('guessed-Pa55');
      const alice = { NATS_URL: secured.url, NATS_USER: 'alice', NATS_PASS: 'wonder-land' };
      // A user and password start a hub as an open server does: none answering yet is a note.
      const noHub = await doctor(alice, '--json');
      expect(noHub.code).toBe(0);
      expect(checks(noHub.stdout)['credentials']?.detail).toBe('accepted');
      expect(checks(noHub.stdout)['hub']?.status).toBe('note');
      const hub = await HubProcess.start(alice);
      try {
        const right = await doctor(alice, '--json');
        expect(right.code).toBe(0);
        expect(checks(right.stdout)['hub']?.status).toBe('ok');
        expect(right.stdout + right.stderr + hub.stderr()).not.toContain('wonder-land');
      } finally {
        await hub.stop();
      }
    } finally {
      await secured.dispose();
    }
  });

  it('says how to get a server, and exits 1, when NATS_URL points at nothing', async () => {
    const [port] = await freePorts(1);
    const human = await doctor({ NATS_URL: `nats://127.0.0.1:${port}` });
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(
      new RegExp(`^PROBLEM\\s+nats\\s+cannot connect to nats://127\\.0\\.0\\.1:${port}`, 'm'),
    );
    expect(human.stdout).toMatch(/^\s+fix: start nats-server -js there, or correct NATS_URL/m);
    expect(human.stdout).toMatch(/^skipped\s+jetstream/m);
    expect(human.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports a bad environment variable by name', async () => {
    const result = await doctor({ WARP_BACKEND: 'sqlite' }, '--json');
    expect(result.code).toBe(1);
    expect(checks(result.stdout)['config']?.detail).toMatch(/WARP_BACKEND/);
  });
});
