import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NAME_PATTERN } from '../../../src/domain/index.js';
import { DURATION_PATTERN, projectConfigSchema } from '../../../src/adapters/config/project-config.js';
import { isValid, type Schema } from './json-schema-lite.js';

const jsonSchema = JSON.parse(
  readFileSync(new URL('../../../schema/loom-config.schema.json', import.meta.url), 'utf8'),
) as Schema;
const channel = jsonSchema.$defs!['channel']!;

const valid: unknown[] = [
  {},
  { namespace: 'my-project' },
  { $schema: './schema.json', namespace: 'a', channels: [] },
  { channels: [{ name: 'planning', description: 'Sprint planning', maxMessages: 5000, maxAge: '7d' }] },
  {
    channels: [
      { name: 'x', maxBytes: 1, maxAge: 500 },
      { name: 'y', maxAge: '500ms' },
      { name: 'z', maxAge: '2w' },
    ],
  },
  { weft: { anything: true } },
];

const invalid: unknown[] = [
  [],
  'config',
  { namespace: 'My Project' },
  { namespace: '-leading' },
  { namespace: 'a'.repeat(65) },
  { channels: {} },
  { channels: [{}] },
  { channels: [{ name: 'UPPER' }] },
  { channels: [{ name: 'a', description: 1 }] },
  { channels: [{ name: 'a', maxMessages: 0 }] },
  { channels: [{ name: 'a', maxMessages: 2.5 }] },
  { channels: [{ name: 'a', maxBytes: '10' }] },
  { channels: [{ name: 'a', maxAge: '7' }] },
  { channels: [{ name: 'a', maxAge: '0d' }] },
  { channels: [{ name: 'a', maxAge: '7 days' }] },
  { channels: [{ name: 'a', maxAge: 0 }] },
  { channels: [{ name: 'a', maxage: '7d' }] },
];

describe('schema/loom-config.schema.json agrees with the zod schema', () => {
  it('uses the same patterns', () => {
    expect(jsonSchema.properties!['namespace']!.pattern).toBe(NAME_PATTERN.source);
    expect(channel.properties!['name']!.pattern).toBe(NAME_PATTERN.source);
    expect(channel.properties!['maxAge']!.oneOf![0]!.pattern).toBe(DURATION_PATTERN.source);
  });

  it('has the same channel fields and required fields', () => {
    expect(Object.keys(channel.properties!).sort()).toEqual(
      Object.keys(projectConfigSchema.shape.channels.unwrap().element.shape).sort(),
    );
    expect(channel.required).toEqual(['name']);
    expect(channel.additionalProperties).toBe(false);
  });

  it.each(valid.map((v) => [JSON.stringify(v), v]))('both accept %s', (_, sample) => {
    expect(isValid(jsonSchema, sample)).toBe(true);
    expect(projectConfigSchema.safeParse(sample).success).toBe(true);
  });

  it.each(invalid.map((v) => [JSON.stringify(v), v]))('both reject %s', (_, sample) => {
    expect(isValid(jsonSchema, sample)).toBe(false);
    expect(projectConfigSchema.safeParse(sample).success).toBe(false);
  });
});
