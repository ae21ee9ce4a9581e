import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { NAME_PATTERN } from '../../domain/index.js';
import { ConfigError } from './config-error.js';

export const CONFIG_FILE_NAME = '.loom-config.json';

export interface ChannelConfig {
  readonly name: string;
  readonly description: string;
  readonly maxMessages?: number;
  readonly maxBytes?: number;
  readonly maxAgeMs?: number;
}

export interface ProjectConfig {
  /** The file that was read; absent when none was found. */
  readonly path?: string;
  readonly namespace?: string;
  readonly channels: readonly ChannelConfig[];
}

export const DEFAULT_CHANNELS: readonly ChannelConfig[] = [
  { name: 'roadmap', description: 'Discussion about project roadmap and planning' },
  { name: 'parallel-work', description: 'Coordination for parallel work among agents' },
  { name: 'errors', description: 'Error reporting and troubleshooting' },
];

/** A positive count followed by one unit; the JSON Schema uses the same pattern. */
export const DURATION_PATTERN = /^0*[1-9][0-9]*(ms|s|m|h|d|w)$/;
const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const DURATION_EXPECTED =
  'expected a duration like "7d", "12h", "30m", "45s", "500ms" or a positive whole number of milliseconds';
const NAME_EXPECTED = 'expected 1-64 lowercase letters, digits or dashes, starting with a letter or digit';

/**
 * Milliseconds in a duration such as `7d`, `12h`, `30m`, `45s`, `500ms` or `2w`.
 *
 * @example parseDuration('12h') // 43_200_000
 */
export function parseDuration(text: string): number {
  const match = DURATION_PATTERN.exec(text.trim());
  const ms = match ? Number.parseInt(text.trim(), 10) * UNIT_MS[match[1]!]! : Number.NaN;
  if (!Number.isSafeInteger(ms)) throw new ConfigError(`${DURATION_EXPECTED} (got ${JSON.stringify(text)})`);
  return ms;
}

const required = (expected: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'is required' : expected;
const positiveInt = () =>
  z.int({ error: 'expected a positive whole number' }).min(1, { error: 'expected a positive whole number' });

const channelSchema = z.strictObject({
  name: z.string({ error: required(NAME_EXPECTED) }).regex(NAME_PATTERN, { error: NAME_EXPECTED }),
  description: z.string({ error: 'expected a string' }).optional(),
  maxMessages: positiveInt().optional(),
  maxBytes: positiveInt().optional(),
  maxAge: z
    .union(
      [
        z.string().regex(DURATION_PATTERN, { error: DURATION_EXPECTED }),
        z.int({ error: DURATION_EXPECTED }).min(1, { error: DURATION_EXPECTED }),
      ],
      { error: DURATION_EXPECTED },
    )
    .transform((v, ctx) => {
      if (typeof v === 'number') return v;
      try {
        return parseDuration(v);
      } catch {
        ctx.addIssue({ code: 'custom', message: `${DURATION_EXPECTED} (too long)` });
        return z.NEVER;
      }
    })
    .optional(),
});

// Loose at the top: other Loom tools may keep their own keys in the same file.
export const projectConfigSchema = z.looseObject(
  {
    $schema: z.string({ error: 'expected a string' }).optional(),
    namespace: z.string({ error: NAME_EXPECTED }).regex(NAME_PATTERN, { error: NAME_EXPECTED }).optional(),
    channels: z
      .array(channelSchema, { error: 'expected an array of channels' })
      .superRefine((channels, ctx) => {
        const seen = new Set<string>();
        channels.forEach((c, i) => {
          if (seen.has(c.name))
            ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate channel ${JSON.stringify(c.name)}` });
          seen.add(c.name);
        });
      })
      .optional(),
  },
  { error: 'expected a JSON object' },
);

const formatPath = (path: readonly PropertyKey[]): string =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = formatPath(issue.path);
  const message =
    issue.code === 'unrecognized_keys'
      ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}; allowed: ${Object.keys(channelSchema.shape).join(', ')}`
      : issue.message;
  return where ? `${where}: ${message}` : message;
}

/** Validates the text of a project file; `file` only names it in errors. */
export function parseProjectConfig(text: string, file: string): ProjectConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`Invalid JSON in ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = projectConfigSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(`Invalid ${file}: ${parsed.error.issues.map(describeIssue).join('; ')}`);
  const { namespace, channels } = parsed.data;
  return {
    path: file,
    ...(namespace !== undefined ? { namespace } : {}),
    channels: channels?.length
      ? channels.map(({ maxAge, description, ...rest }) => ({
          ...rest,
          description: description ?? '',
          ...(maxAge !== undefined ? { maxAgeMs: maxAge } : {}),
        }))
      : DEFAULT_CHANNELS,
  };
}

const isFile = (path: string): boolean => statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;

/** The nearest `.loom-config.json` in `startDir` or any of its parents. */
export function findProjectConfig(startDir: string): string | undefined {
  for (let dir = resolve(startDir); ; dir = dirname(dir)) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (isFile(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Finds and validates the project file by walking up from `projectPath`;
 * without one, the default channels apply.
 */
export function loadProjectConfig(projectPath: string): ProjectConfig {
  if (!statSync(projectPath, { throwIfNoEntry: false })?.isDirectory()) {
    throw new ConfigError(
      `project path ${JSON.stringify(projectPath)} is not a directory (set MCP_PROJECT_PATH to the project's folder)`,
    );
  }
  const file = findProjectConfig(projectPath);
  if (!file) return { channels: DEFAULT_CHANNELS };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseProjectConfig(text, file);
}
