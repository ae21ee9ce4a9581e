import { describe, expect, it } from 'vitest';
import { connectionSecrets } from '../../../src/adapters/config/nats-url.js';
import {
  ConfigError,
  createLogger,
  natsUrlRequiresTls,
  redactSecrets,
  redactUrl,
  resolveNatsConnection,
} from '../../../src/adapters/config/index.js';

const errorMessage = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('resolveNatsConnection', () => {
  it('strips credentials from the server address and picks the transport', () => {
    expect(resolveNatsConnection('nats://localhost:4222')).toEqual({
      servers: 'nats://localhost:4222',
      transport: 'tcp',
      tls: false,
    });
    expect(resolveNatsConnection('tls://a:b@nats.example.com:4222')).toEqual({
      servers: 'tls://nats.example.com:4222',
      transport: 'tcp',
      tls: true,
      user: 'a',
      pass: 'b',
    });
    expect(resolveNatsConnection('ws://localhost:8080')).toEqual({
      servers: 'ws://localhost:8080',
      transport: 'websocket',
      tls: false,
    });
    expect(resolveNatsConnection('wss://u:p@proxy.example.com/nats')).toMatchObject({
      servers: 'wss://proxy.example.com/nats',
      transport: 'websocket',
      tls: true,
    });
  });

  it('decodes percent-encoded credentials', () => {
    expect(resolveNatsConnection('nats://my%40user:p%40ss%2Fw%3Ard@h:4222')).toMatchObject({
      user: 'my@user',
      pass: 'p@ss/w:rd',
    });
  });

  it('prefers URL credentials over NATS_USER / NATS_PASS, field by field', () => {
    expect(resolveNatsConnection('nats://urluser:urlpass@h', 'envuser', 'envpass')).toMatchObject({
      user: 'urluser',
      pass: 'urlpass',
    });
    expect(resolveNatsConnection('nats://h', 'envuser', 'envpass')).toMatchObject({ user: 'envuser', pass: 'envpass' });
    expect(resolveNatsConnection('nats://myuser@h', undefined, 'envpass')).toMatchObject({
      user: 'myuser',
      pass: 'envpass',
    });
    expect(resolveNatsConnection('nats://myuser@h', 'envuser', 'envpass')).toMatchObject({
      user: 'myuser',
      pass: 'envpass',
    });
  });

  it('reads user info without a password as a token, as the NATS clients do, unless NATS_PASS gives one', () => {
    expect(resolveNatsConnection('wss://s3cr3t-t0ken@proxy.example.com')).toEqual({
      servers: 'wss://proxy.example.com',
      transport: 'websocket',
      tls: true,
      token: 's3cr3t-t0ken',
    });
    expect(resolveNatsConnection('nats://t%40k@h', 'envuser')).toEqual({
      servers: 'nats://h',
      transport: 'tcp',
      tls: false,
      token: 't@k',
    });
    expect(resolveNatsConnection('nats://myuser@h', undefined, 'envpass')).not.toHaveProperty('token');
  });

  it('takes a comma-separated list of servers (a cluster), credentials stripped from every one', () => {
    expect(resolveNatsConnection('nats://u:p@n1:4222, nats://n2:4222,nats://u:p@n3:4222')).toEqual({
      servers: 'nats://n1:4222,nats://n2:4222,nats://n3:4222',
      transport: 'tcp',
      tls: false,
      user: 'u',
      pass: 'p',
    });
    expect(() => resolveNatsConnection('nats://n1:4222,ws://n2:8080')).toThrow(/must not mix WebSocket and TCP/);
    expect(() => resolveNatsConnection('nats://n1:4222,')).toThrow(ConfigError);
  });

  it('omits empty credentials', () => {
    const resolved = resolveNatsConnection('nats://h', '', '');
    expect('user' in resolved || 'pass' in resolved).toBe(false);
  });

  it('rejects a bad URL without echoing its password', () => {
    expect(() => resolveNatsConnection('http://u:hunter2@h')).toThrow(ConfigError);
    expect(() => resolveNatsConnection('http://u:hunter2@h')).toThrow(/^NATS_URL: expected/);
    expect(() => resolveNatsConnection('http://u:hunter2@h')).not.toThrow(/hunter2/);
    expect(() => resolveNatsConnection('nats://u:%zz@h')).toThrow(/password is not valid percent-encoding/);
  });

  it.each([
    'nats//user:hunter2@host:4222',
    'nats:/user:hunter2@host',
    'user:hunter2@host:4222',
    'nats://user:hunter2@host name',
    'nats://ok:4222,nats//user:hunter2@host',
    'hunter2@host',
  ])('names what is wrong with %j but never its user info', (url) => {
    const message = errorMessage(() => resolveNatsConnection(url));
    expect(message).toMatch(/^NATS_URL: expected a URL starting with nats:\/\/, tls:\/\/, ws:\/\/ or wss:\/\//);
    expect(message).toContain('***@host');
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('user');
  });

  it('refuses a list that mixes TLS and plain URLs, which would make TLS optional', () => {
    expect(() => resolveNatsConnection('tls://n1:4222,nats://n2:4222')).toThrow(
      /must not mix TLS \(tls:\/\/, wss:\/\/\) and plain/,
    );
    expect(() => resolveNatsConnection('ws://n1,wss://n2')).toThrow(/must not mix TLS/);
    expect(resolveNatsConnection('tls://n1:4222,tls://n2:4222').tls).toBe(true);
  });
});

describe('natsUrlRequiresTls', () => {
  it('is true for tls:// and wss://, false for nats:// and ws://', () => {
    expect(['tls://h', 'wss://h/nats', 'TLS://h', 'nats://h', 'ws://h'].map(natsUrlRequiresTls)).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});

describe('redaction', () => {
  it('redactUrl hides user info', () => {
    expect(redactUrl('nats://user:pass@h:4222')).toBe('nats://***@h:4222');
    expect(redactUrl('wss://token@h')).toBe('wss://***@h');
    expect(redactUrl('nats://u:p@ss@h:4222')).toBe('nats://***@h:4222');
    expect(redactUrl('nats://h:4222')).toBe('nats://h:4222');
    expect(redactUrl('nats//user:pw@host')).toBe('***@host');
    expect(redactUrl('tls://u:p@h1 tls://h2')).toBe('tls://***@h1 tls://h2');
  });

  it('redactSecrets masks known secrets, raw and URL-encoded, and URL credentials', () => {
    expect(redactSecrets('login with p@ss/1 failed', ['p@ss/1'])).toBe('login with *** failed');
    expect(redactSecrets('url has p%40ss%2F1 in it', ['p@ss/1'])).toBe('url has *** in it');
    expect(redactSecrets('connect nats://bob:other@h:4222 failed', [])).toBe('connect nats://***@h:4222 failed');
    expect(redactSecrets('abcabc', ['abc', 'abcabc'])).toBe('***');
    expect(redactSecrets('nothing here', ['', 'zzz'])).toBe('nothing here');
  });

  it('redactSecrets masks a secret where it stands alone, never inside a longer word', () => {
    // A one-letter password used to turn every "p" of every line into "***".
    expect(redactSecrets('INFO hub serving pid=42 up', ['p'])).toBe('INFO hub serving pid=42 up');
    expect(redactSecrets('pass=p "p" p@host (p) p', ['p'])).toBe('pass=*** "***" ***@host (***) ***');
    expect(redactSecrets('the s3cret, xs3cret and s3cret9', ['s3cret'])).toBe('the ***, xs3cret and s3cret9');
    // An edge that is no letter or digit masks whatever it touches.
    expect(redactSecrets('a-x-b x-y', ['-x-'])).toBe('a***b x-y');
    expect(redactSecrets('tøken før', ['før'])).toBe('tøken ***');
    expect(redactSecrets('{"pass":"p\\"q"}', ['p"q'])).toBe('{"pass":"***"}');
  });

  it('connectionSecrets are the password and the token, never the user name', () => {
    expect(connectionSecrets(resolveNatsConnection('nats://u:p@h'))).toEqual(['p']);
    expect(connectionSecrets(resolveNatsConnection('nats://t@h'))).toEqual(['t']);
    expect(connectionSecrets(resolveNatsConnection('nats://h', 'alice'))).toEqual([]);
    const lines: string[] = [];
    const logger = createLogger('INFO', connectionSecrets(resolveNatsConnection('nats://u:p@h')), {
      write: (line) => lines.push(line),
      now: () => new Date(0),
    });
    logger.info('hub serving', { user: 'u', password: 'p', nats: 'nats://u:p@h:4222' });
    expect(lines).toEqual(['1970-01-01T00:00:00.000Z INFO hub serving user=u password=*** nats=nats://***@h:4222\n']);
  });
});
