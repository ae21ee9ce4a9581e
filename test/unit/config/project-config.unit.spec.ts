import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_CHANNELS,
  findProjectConfig,
  loadProjectConfig,
  parseDuration,
  parseProjectConfig,
} from '../../../src/adapters/config/index.js';

const parse = (config: unknown) => parseProjectConfig(JSON.stringify(config), '/p/.loom-config.json');
const problem = (config: unknown): string => {
  try {
    parse(config);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['45s', 45_000],
    ['30m', 1_800_000],
    ['12h', 43_200_000],
    ['7d', 604_800_000],
    ['2w', 1_209_600_000],
    [' 1d ', 86_400_000],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '7', '0d', '-1d', '1.5h', '7 d', '7days', 'd', '1y'])('rejects %j', (text) => {
    expect(() => parseDuration(text)).toThrow(/expected a duration like "7d"/);
  });
});

describe('parseProjectConfig', () => {
  it('reads namespace and channels, converting maxAge to milliseconds', () => {
    const config = parse({
      $schema: './node_modules/warp/schema/loom-config.schema.json',
      namespace: 'my-project',
      channels: [
        { name: 'planning', description: 'Sprint planning', maxMessages: 5000, maxAge: '7d', maxBytes: 1_000_000 },
        { name: 'implementation', maxAge: 60_000 },
      ],
    });
    expect(config).toEqual({
      path: '/p/.loom-config.json',
      namespace: 'my-project',
      channels: [
        {
          name: 'planning',
          description: 'Sprint planning',
          maxMessages: 5000,
          maxBytes: 1_000_000,
          maxAgeMs: 604_800_000,
        },
        { name: 'implementation', description: '', maxAgeMs: 60_000 },
      ],
    });
  });

  it('uses the default channels when none are configured', () => {
    expect(parse({ namespace: 'x' }).channels).toEqual(DEFAULT_CHANNELS);
    expect(parse({ channels: [] }).channels).toEqual(DEFAULT_CHANNELS);
    expect(DEFAULT_CHANNELS.map((c) => c.name)).toEqual(['roadmap', 'parallel-work', 'errors']);
  });

  it('ignores keys other Loom tools may keep at the top level', () => {
    expect(parse({ weft: { any: 1 } }).channels).toEqual(DEFAULT_CHANNELS);
  });

  it('names the file and the bad field', () => {
    expect(problem({ channels: [{ name: 'ok' }, { name: 'b', maxAge: 'soon' }] })).toBe(
      'Invalid /p/.loom-config.json: channels[1].maxAge: expected a duration like "7d", "12h", "30m", "45s", "500ms" or a positive whole number of milliseconds',
    );
  });

  it.each([
    [{ namespace: 'My Project' }, 'namespace: expected 1-64 lowercase letters'],
    [{ namespace: 7 }, 'namespace: expected 1-64 lowercase letters'],
    [{ channels: {} }, 'channels: expected an array of channels'],
    [{ channels: [{}] }, 'channels[0].name: is required'],
    [{ channels: [{ name: 'Bad_Name' }] }, 'channels[0].name: expected 1-64 lowercase letters'],
    [{ channels: [{ name: 'a', description: 3 }] }, 'channels[0].description: expected a string'],
    [{ channels: [{ name: 'a', maxMessages: 0 }] }, 'channels[0].maxMessages: expected a positive whole number'],
    [{ channels: [{ name: 'a', maxBytes: 1.5 }] }, 'channels[0].maxBytes: expected a positive whole number'],
    [{ channels: [{ name: 'a', maxBytes: '1kb' }] }, 'channels[0].maxBytes: expected a positive whole number'],
    [{ channels: [{ name: 'a', maxAge: 0 }] }, 'channels[0].maxAge: expected a duration'],
    [{ channels: [{ name: 'a', maxAge: '99999999999999w' }] }, 'channels[0].maxAge: expected a duration'],
    [
      { channels: [{ name: 'a', maxage: '7d' }] },
      'channels[0]: unknown field "maxage"; allowed: name, description, maxMessages, maxBytes, maxAge',
    ],
    [{ channels: [{ name: 'a' }, { name: 'a' }] }, 'channels[1].name: duplicate channel "a"'],
    [[], 'expected a JSON object'],
  ])('rejects %j', (config, message) => {
    expect(problem(config)).toContain(message);
  });

  it('reports invalid JSON with the file path', () => {
    expect(() => parseProjectConfig('{ "namespace": ', '/p/.loom-config.json')).toThrow(
      /^Invalid JSON in \/p\/\.loom-config\.json: /,
    );
  });
});

describe('loadProjectConfig', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'warp-config-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('walks up from the project path to the nearest file', () => {
    const deep = join(root, 'repo', 'packages', 'app');
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(root, '.loom-config.json'), JSON.stringify({ namespace: 'outer' }));
    writeFileSync(
      join(root, 'repo', '.loom-config.json'),
      JSON.stringify({ namespace: 'inner', channels: [{ name: 'ops', maxAge: '1h' }] }),
    );
    const config = loadProjectConfig(deep);
    expect(config.path).toBe(join(root, 'repo', '.loom-config.json'));
    expect(config.namespace).toBe('inner');
    expect(config.channels).toEqual([{ name: 'ops', description: '', maxAgeMs: 3_600_000 }]);
    expect(findProjectConfig(join(root, 'repo'))).toBe(join(root, 'repo', '.loom-config.json'));
  });

  it('skips a directory that happens to have the file name', () => {
    mkdirSync(join(root, 'a', '.loom-config.json'), { recursive: true });
    writeFileSync(join(root, '.loom-config.json'), '{}');
    expect(findProjectConfig(join(root, 'a'))).toBe(join(root, '.loom-config.json'));
  });

  it('falls back to the defaults when no file exists up to the root', () => {
    const config = loadProjectConfig(root);
    if (config.path === undefined) {
      expect(config).toEqual({ channels: DEFAULT_CHANNELS });
    } else {
      // A stray file above the temp dir on this machine; the walk still found the nearest one.
      expect(config.path.startsWith(root)).toBe(false);
    }
  });

  it('names the file when its content is invalid', () => {
    writeFileSync(join(root, '.loom-config.json'), 'not json');
    expect(() => loadProjectConfig(root)).toThrow(`Invalid JSON in ${join(root, '.loom-config.json')}`);
  });

  it('rejects a project path that is not a directory', () => {
    expect(() => loadProjectConfig(join(root, 'missing'))).toThrow(/is not a directory.*MCP_PROJECT_PATH/);
  });
});
