import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadEnv, natsTlsFiles } from '../../../src/adapters/config/index.js';

const dir = mkdtempSync(join(tmpdir(), 'warp-tls-unit-'));
for (const name of ['ca.pem', 'client.pem', 'client-key.pem']) writeFileSync(join(dir, name), 'PEM');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const problem = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('natsTlsFiles', () => {
  it('is undefined when no TLS file is set, whatever the scheme', () => {
    expect(natsTlsFiles('nats://h', {}, dir)).toBeUndefined();
    expect(natsTlsFiles('tls://h', {}, dir)).toBeUndefined();
  });

  it('resolves the files against the working directory', () => {
    expect(
      natsTlsFiles('tls://h:4222', { NATS_CA: 'ca.pem', NATS_CERT: 'client.pem', NATS_KEY: 'client-key.pem' }, dir),
    ).toEqual({
      caFile: join(dir, 'ca.pem'),
      certFile: join(dir, 'client.pem'),
      keyFile: join(dir, 'client-key.pem'),
    });
    expect(natsTlsFiles('wss://h/nats', { NATS_CA: join(dir, 'ca.pem') }, '/elsewhere')).toEqual({
      caFile: join(dir, 'ca.pem'),
    });
  });

  it('refuses TLS files with a plain URL instead of silently sending in the clear', () => {
    expect(problem(() => natsTlsFiles('nats://h', { NATS_CA: 'ca.pem' }, dir))).toBe(
      'NATS_CA: TLS files need a TLS connection; start NATS_URL with tls:// (or wss://) instead of nats:// (or ws://)',
    );
    expect(problem(() => natsTlsFiles('ws://h', { NATS_CERT: 'client.pem', NATS_KEY: 'client-key.pem' }, dir))).toMatch(
      /^NATS_CERT, NATS_KEY: TLS files need a TLS connection/,
    );
  });

  it('wants a client certificate and its key together', () => {
    expect(problem(() => natsTlsFiles('tls://h', { NATS_CERT: 'client.pem' }, dir))).toMatch(
      /^NATS_KEY: not set, but NATS_CERT is; a client certificate needs its key, so set both NATS_CERT and NATS_KEY/,
    );
    expect(problem(() => natsTlsFiles('tls://h', { NATS_KEY: 'client-key.pem' }, dir))).toMatch(
      /^NATS_CERT: not set, but NATS_KEY is;/,
    );
  });

  it('names the variable and the file it cannot read', () => {
    expect(problem(() => natsTlsFiles('tls://h', { NATS_CA: 'missing.pem' }, dir))).toBe(
      `NATS_CA: cannot read ${JSON.stringify(join(dir, 'missing.pem'))} (ENOENT); set it to a PEM file`,
    );
    if (process.getuid?.() !== 0) {
      const locked = join(dir, 'locked.pem');
      writeFileSync(locked, 'PEM');
      chmodSync(locked, 0o000);
      expect(problem(() => natsTlsFiles('tls://h', { NATS_CA: locked }, dir))).toMatch(/\(EACCES\)/);
    }
  });
});

describe('loadEnv with TLS variables', () => {
  it('reads NATS_CA, NATS_CERT and NATS_KEY into natsTls', () => {
    const env = loadEnv(
      { NATS_URL: 'tls://u:p@h:4222', NATS_CA: 'ca.pem', NATS_CERT: 'client.pem', NATS_KEY: 'client-key.pem' },
      dir,
    );
    expect(env.natsTls).toEqual({
      caFile: join(dir, 'ca.pem'),
      certFile: join(dir, 'client.pem'),
      keyFile: join(dir, 'client-key.pem'),
    });
    expect(loadEnv({ NATS_CA: ' ' }, dir).natsTls).toBeUndefined();
  });

  it('fails with a ConfigError, without the password, when the files do not fit the URL', () => {
    const message = problem(() => loadEnv({ NATS_URL: 'nats://u:hunter2@h', NATS_CA: 'ca.pem' }, dir));
    expect(message).toMatch(/^NATS_CA: TLS files need a TLS connection/);
    expect(message).not.toContain('hunter2');
  });
});
