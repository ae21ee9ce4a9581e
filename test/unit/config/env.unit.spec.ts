import { describe, expect, it } from 'vitest';
import { ConfigError, loadEnv, TOOL_PROFILES } from '../../../src/adapters/config/index.js';

const load = (env: NodeJS.ProcessEnv) => loadEnv(env, '/work/project');
const errorOf = (env: NodeJS.ProcessEnv): ConfigError => {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('loadEnv', () => {
  it('gives the documented defaults for an empty environment', () => {
    const env = load({});
    expect(env).toMatchObject({
      natsUrl: 'nats://localhost:4222',
      projectPath: '/work/project',
      logLevel: 'INFO',
      ackTimeoutMs: 300_000,
      maxAttempts: 3,
      dlqTtlMs: 604_800_000,
      workRetentionMs: 604_800_000,
      backend: 'nats',
      heartbeatMs: 30_000,
      staleAfterMs: 90_000,
      maxMessageBytes: 65_536,
      replicas: 1,
      channelMaxMessages: 100_000,
      channelMaxBytes: 67_108_864,
      maxChannels: 256,
      projectChannelsMaxBytes: 1_073_741_824,
      hubOrphanMs: 60_000,
    });
    expect(env.natsUser).toBeUndefined();
    expect(env.natsPass).toBeUndefined();
    expect(env.namespace).toBeUndefined();
    expect([...env.tools]).toEqual([...TOOL_PROFILES]);
    expect([...env.push]).toEqual(['dm', 'mentions', 'work']);
  });

  it('treats empty values as unset', () => {
    expect(load({ LOG_LEVEL: '', WARP_HEARTBEAT_MS: ' ', NATS_USER: '' })).toMatchObject({
      logLevel: 'INFO',
      heartbeatMs: 30_000,
    });
  });

  it('reads every variable', () => {
    const env = load({
      NATS_URL: 'wss://nats.example.com',
      NATS_USER: 'u',
      NATS_PASS: ' p w ',
      MCP_PROJECT_PATH: 'sub/dir',
      LOG_LEVEL: 'debug',
      WORKQUEUE_ACK_TIMEOUT: '60000',
      WORKQUEUE_MAX_ATTEMPTS: '5',
      WORKQUEUE_DLQ_TTL: '3600000',
      WARP_WORK_RETENTION: '86400000',
      WARP_BACKEND: 'Memory',
      WARP_NAMESPACE: 'team-a',
      WARP_HEARTBEAT_MS: '1000',
      WARP_STALE_AFTER_MS: '3000',
      WARP_MAX_MESSAGE_BYTES: '1024',
      WARP_REPLICAS: '3',
      WARP_CHANNEL_MAX_MESSAGES: '5000',
      WARP_CHANNEL_MAX_BYTES: '10485760',
      WARP_MAX_CHANNELS: '12',
      WARP_PROJECT_CHANNELS_MAX_BYTES: '52428800',
      WARP_TOOLS: 'channels, Work',
      WARP_PUSH: 'dm',
      WARP_HUB_ORPHAN_MS: '2000',
    });
    expect(env).toMatchObject({
      natsUrl: 'wss://nats.example.com',
      natsUser: 'u',
      natsPass: ' p w ',
      projectPath: '/work/project/sub/dir',
      logLevel: 'DEBUG',
      ackTimeoutMs: 60_000,
      maxAttempts: 5,
      dlqTtlMs: 3_600_000,
      workRetentionMs: 86_400_000,
      backend: 'memory',
      namespace: 'team-a',
      heartbeatMs: 1000,
      staleAfterMs: 3000,
      maxMessageBytes: 1024,
      replicas: 3,
      channelMaxMessages: 5000,
      channelMaxBytes: 10_485_760,
      maxChannels: 12,
      projectChannelsMaxBytes: 52_428_800,
      hubOrphanMs: 2000,
    });
    expect([...env.tools]).toEqual(['channels', 'work']);
    expect([...env.push]).toEqual(['dm']);
  });

  it('keeps an absolute MCP_PROJECT_PATH as it is', () => {
    expect(load({ MCP_PROJECT_PATH: '/elsewhere' }).projectPath).toBe('/elsewhere');
  });

  it('accepts every NATS scheme', () => {
    for (const url of ['nats://h:4222', 'tls://h:4222', 'ws://h:8080', 'wss://h'])
      expect(load({ NATS_URL: url }).natsUrl).toBe(url);
  });

  it('rejects other schemes, naming the variable and hiding credentials', () => {
    const error = errorOf({ NATS_URL: 'http://user:secret@h:4222' });
    expect(error.name).toBe('ConfigError');
    expect(error.message).toContain('NATS_URL: expected a URL starting with nats://, tls://, ws:// or wss://');
    expect(error.message).not.toContain('secret');
    expect(errorOf({ NATS_URL: 'localhost:4222' }).message).toContain('NATS_URL');
  });

  it('rejects an unknown log level or backend with the valid choices', () => {
    expect(errorOf({ LOG_LEVEL: 'verbose' }).message).toBe(
      'LOG_LEVEL: expected one of DEBUG, INFO, WARN, ERROR (got "verbose")',
    );
    expect(errorOf({ WARP_BACKEND: 'redis' }).message).toBe('WARP_BACKEND: expected one of nats, memory (got "redis")');
  });

  it.each([
    ['WORKQUEUE_ACK_TIMEOUT', 'abc'],
    ['WORKQUEUE_MAX_ATTEMPTS', '0'],
    ['WORKQUEUE_DLQ_TTL', '-5'],
    ['WARP_HEARTBEAT_MS', '5'],
    ['WARP_STALE_AFTER_MS', '1.5'],
    ['WARP_MAX_MESSAGE_BYTES', '1e6'],
    ['WARP_REPLICAS', '6'],
    ['WARP_CHANNEL_MAX_MESSAGES', '0'],
    ['WARP_CHANNEL_MAX_BYTES', '100'],
    ['WARP_MAX_CHANNELS', '-1'],
    ['WARP_PROJECT_CHANNELS_MAX_BYTES', '-1'],
  ])('rejects %s=%s as not a whole number in range', (name, value) => {
    expect(errorOf({ [name]: value }).message).toMatch(
      new RegExp(`^${name}: expected a whole number from \\d+ to \\d+ \\(got "${value.replace('.', '\\.')}"\\)$`),
    );
  });

  it('reports every bad variable at once', () => {
    const message = errorOf({ WARP_REPLICAS: '0', LOG_LEVEL: 'x' }).message;
    expect(message).toContain('WARP_REPLICAS:');
    expect(message).toContain('LOG_LEVEL:');
  });

  it('requires the stale timeout to exceed the heartbeat', () => {
    expect(errorOf({ WARP_HEARTBEAT_MS: '1000', WARP_STALE_AFTER_MS: '1000' }).message).toMatch(
      /^WARP_STALE_AFTER_MS: expected more than WARP_HEARTBEAT_MS \(1000\)/,
    );
  });

  it("requires a project's channel allowance to hold a channel of the default size, or 0 for no bound", () => {
    expect(errorOf({ WARP_CHANNEL_MAX_BYTES: '2147483648' }).message).toBe(
      'WARP_PROJECT_CHANNELS_MAX_BYTES: expected 0 (no bound) or at least WARP_CHANNEL_MAX_BYTES (2147483648), ' +
        'so that a channel with the default maxBytes fits (got 1073741824)',
    );
    expect(load({ WARP_CHANNEL_MAX_BYTES: '2147483648', WARP_PROJECT_CHANNELS_MAX_BYTES: '0' })).toMatchObject({
      channelMaxBytes: 2_147_483_648,
      projectChannelsMaxBytes: 0,
    });
  });

  it('rejects an invalid WARP_NAMESPACE', () => {
    expect(errorOf({ WARP_NAMESPACE: 'My Project' }).message).toMatch(
      /^WARP_NAMESPACE: expected 1-64 lowercase letters/,
    );
  });

  it('parses tool profiles: all, groups, roles and unknown names', () => {
    expect(load({ WARP_TOOLS: 'all' }).tools.size).toBe(11);
    expect(load({ WARP_TOOLS: 'work,all' }).tools.size).toBe(11);
    expect([...load({ WARP_TOOLS: 'identity,,dlq' }).tools]).toEqual(['identity', 'dlq']);
    expect([...load({ WARP_TOOLS: 'worker,channels' }).tools]).toEqual(['worker', 'channels']);
    expect(errorOf({ WARP_TOOLS: 'channels,gossip' }).message).toBe(
      'WARP_TOOLS: unknown "gossip"; valid: identity, channels, wait, registry, direct, work, dlq, files, worker, chat, coordinator, all',
    );
    expect(errorOf({ WARP_TOOLS: 'none' }).message).toContain('unknown "none"');
    expect(errorOf({ WARP_TOOLS: ',' }).message).toContain('WARP_TOOLS: expected a comma list');
  });

  it('parses push kinds: none, all and lists', () => {
    expect(load({ WARP_PUSH: 'none' }).push.size).toBe(0);
    expect(load({ WARP_PUSH: 'ALL' }).push.size).toBe(3);
    expect([...load({ WARP_PUSH: 'mentions,work' }).push]).toEqual(['mentions', 'work']);
    expect(errorOf({ WARP_PUSH: 'none,dm' }).message).toBe('WARP_PUSH: "none" cannot be combined with other values');
    expect(errorOf({ WARP_PUSH: 'email' }).message).toBe(
      'WARP_PUSH: unknown "email"; valid: dm, mentions, work, all, none',
    );
  });

  it('uses process.cwd() when no cwd is given', () => {
    expect(loadEnv({}).projectPath).toBe(process.cwd());
  });
});
