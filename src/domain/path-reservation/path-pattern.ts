import { ValidationError } from '../shared/domain-error.js';
import { MAX_PATTERN_CHARS } from '../shared/limits.js';

/**
 * Reservation patterns: paths and globs relative to the project root, `/`-separated. `*` matches
 * any characters within one segment, `?` one character, and `**` (a whole segment) any number of
 * segments, none included. A pattern also covers everything below what it matches, as a directory
 * does: `src/app` covers `src/app/x.ts`, and so does `src/*`.
 *
 * Kept in one canonical form (no `./`, no empty or `.` segments, no trailing `/`, one `**` in a
 * row), so that the same reservation is always spelled the same way.
 */

const BRACKETS = /[[\]{}\\]/;
const forbidden = (raw: string): boolean => BRACKETS.test(raw) || [...raw].some((c) => c.charCodeAt(0) < 0x20);

/** `.` and `..` resolved in an absolute path, purely as text (no file system). */
function normalizeAbsolute(path: string): string {
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return `/${out.join('/')}`;
}

/**
 * `raw` as a canonical pattern relative to the project root. An absolute path must lie inside
 * `root` (itself absolute) and is made relative to it; without a root, absolute paths are refused.
 *
 * @example
 *   toProjectPattern('paths[0]', '/repo/src/app/', '/repo') // 'src/app'
 *   toProjectPattern('paths[0]', './src//lib/')              // 'src/lib'
 *   toProjectPattern('paths[0]', '/etc/passwd', '/repo')     // throws: outside the project
 */
export function toProjectPattern(field: string, raw: string, root?: string): string {
  if (typeof raw !== 'string') throw new ValidationError(field, 'must be a path or glob (text)');
  if (raw.length === 0) throw new ValidationError(field, 'must not be empty; name a path or glob, e.g. "src/app/**"');
  if (raw.length > MAX_PATTERN_CHARS)
    throw new ValidationError(field, `is ${raw.length} characters; the limit is ${MAX_PATTERN_CHARS}`);
  if (forbidden(raw))
    throw new ValidationError(
      field,
      `${JSON.stringify(raw.slice(0, 80))} has a character reservations do not take ([ ] { } \\ or a control character); use * ? and **`,
    );
  let relative = raw;
  if (raw.startsWith('/')) {
    const base = root === undefined ? undefined : normalizeAbsolute(root);
    if (base === undefined)
      throw new ValidationError(
        field,
        `${JSON.stringify(raw.slice(0, 80))} is absolute; give it relative to the project root`,
      );
    const path = normalizeAbsolute(raw);
    const inside =
      base === '/' ? path : path === base ? '' : path.startsWith(`${base}/`) ? path.slice(base.length + 1) : undefined;
    if (inside === undefined)
      throw new ValidationError(
        field,
        `${JSON.stringify(raw.slice(0, 80))} is outside the project (${base}); reserve paths inside it, relative to its root`,
      );
    relative = inside;
  }
  const segments: string[] = [];
  for (const segment of relative.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..')
      throw new ValidationError(
        field,
        `${JSON.stringify(raw.slice(0, 80))} leaves its folder (..); name the path from the project root`,
      );
    if (segment.includes('**') && segment !== '**')
      throw new ValidationError(
        field,
        `${JSON.stringify(raw.slice(0, 80))}: ** must be a whole segment, e.g. "src/**/x.ts"`,
      );
    if (segment === '**' && segments.at(-1) === '**') continue;
    segments.push(segment);
  }
  // The project root itself: everything in it.
  return segments.length === 0 ? '**' : segments.join('/');
}

/**
 * Whether two token sequences match some sequence in common, where `star` matches any run of
 * tokens (none included) and two other tokens meet when `meet` says so: for a segment, characters
 * with `*` and `?`; for a pattern, segments with `**` (any segment glob matches some segment).
 */
function sequencesMeet(
  x: readonly string[],
  y: readonly string[],
  star: string,
  meet: (a: string, b: string) => boolean,
): boolean {
  const memo = new Map<number, boolean>();
  const from = (i: number, j: number): boolean => {
    const key = i * (y.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === x.length && j === y.length) result = true;
    // A star matches nothing more, or takes the other's next token.
    else if (x[i] === star) result = from(i + 1, j) || (j < y.length && from(i, j + 1));
    else if (y[j] === star) result = from(i, j + 1) || (i < x.length && from(i + 1, j));
    else if (i === x.length || j === y.length) result = false;
    else result = meet(x[i]!, y[j]!) && from(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return from(0, 0);
}

const charsMeet = (a: string, b: string): boolean => a === b || a === '?' || b === '?';

/** Whether two single-segment globs (`*`, `?`, characters) match some one segment in common. */
const segmentsMeet = (a: string, b: string): boolean => sequencesMeet([...a], [...b], '*', charsMeet);

/** The segments of a pattern extended to what it covers: itself and everything below it. */
const covered = (pattern: string): string[] => {
  const segments = pattern.split('/');
  return segments.at(-1) === '**' ? segments : [...segments, '**'];
};

/**
 * Whether some path is covered by both canonical patterns: the overlap rule of reservations.
 *
 * @example
 *   patternsOverlap('src/app/**', 'src/app/x.ts') // true
 *   patternsOverlap('src/app/**', 'src/**')       // true
 *   patternsOverlap('src/*.ts', 'test/*.ts')      // false
 */
export const patternsOverlap = (a: string, b: string): boolean =>
  sequencesMeet(covered(a), covered(b), '**', segmentsMeet);
