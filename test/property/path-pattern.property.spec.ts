import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { patternsOverlap, toProjectPattern } from '../../src/domain/index.js';

/**
 * The overlap rule checked against brute force: two patterns overlap exactly when some path of a
 * small universe (segments of 1-3 letters a/b, 1-3 deep) is covered by both, each pattern turned
 * into a regular expression on its own. Patterns have at most two segments of at most two tokens,
 * so a path in common, if any, is always in the universe.
 */

const LETTERS = ['a', 'b'];
const SEGMENTS = [1, 2, 3].flatMap((n) => {
  let words = [''];
  for (let i = 0; i < n; i++) words = words.flatMap((w) => LETTERS.map((l) => w + l));
  return words;
});
const UNIVERSE: string[] = (() => {
  let level = SEGMENTS.map((s) => [s]);
  const all = [...level];
  for (let depth = 2; depth <= 3; depth++) {
    level = level.flatMap((path) => SEGMENTS.map((s) => [...path, s]));
    all.push(...level);
  }
  return all.map((p) => p.join('/'));
})();

/** What a pattern covers, as a regular expression over `path + '/'`: itself and everything below. */
function coverage(pattern: string): RegExp {
  const body = pattern
    .split('/')
    .map((segment) =>
      segment === '**'
        ? '(?:[^/]+/)*'
        : `${[...segment].map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c)).join('')}/`,
    )
    .join('');
  return new RegExp(`^${body}(?:[^/]+/)*$`);
}

const bruteOverlap = (a: string, b: string): boolean => {
  const [x, y] = [coverage(a), coverage(b)];
  return UNIVERSE.some((path) => x.test(`${path}/`) && y.test(`${path}/`));
};

const segment = fc.oneof(
  { weight: 1, arbitrary: fc.constant('**') },
  {
    weight: 4,
    arbitrary: fc
      .array(fc.constantFrom('a', 'b', '?', '*'), { minLength: 1, maxLength: 2 })
      .map((tokens) => tokens.join('').replace('**', '*')),
  },
);
const pattern = fc
  .array(segment, { minLength: 1, maxLength: 2 })
  .map((segments) => toProjectPattern('pattern', segments.join('/')));

describe('the overlap rule', () => {
  it('says two patterns overlap exactly when some path is covered by both (brute force)', () => {
    fc.assert(
      fc.property(pattern, pattern, (a, b) => {
        expect(patternsOverlap(a, b), `${a} vs ${b}`).toBe(bruteOverlap(a, b));
      }),
      { numRuns: 400 },
    );
  });

  it('is symmetric, and every pattern overlaps itself and **', () => {
    const deep = fc
      .array(segment, { minLength: 1, maxLength: 6 })
      .map((segments) => toProjectPattern('pattern', segments.join('/')));
    fc.assert(
      fc.property(deep, deep, (a, b) => {
        expect(patternsOverlap(a, b)).toBe(patternsOverlap(b, a));
        expect(patternsOverlap(a, a)).toBe(true);
        expect(patternsOverlap(a, '**')).toBe(true);
      }),
    );
  });

  it('covers a path below a pattern, as a directory covers its files', () => {
    fc.assert(
      fc.property(pattern, fc.constantFrom(...UNIVERSE), (p, path) => {
        if (coverage(p).test(`${path}/`)) expect(patternsOverlap(p, `${path}/more/x.ts`)).toBe(true);
      }),
    );
  });

  it('canonicalizes idempotently: a canonical pattern is its own canonical form', () => {
    const raw = fc
      .array(fc.constantFrom('a', 'b*', '**', '.', '', '?'), { minLength: 1, maxLength: 6 })
      .map((s) => s.join('/'))
      .filter((r) => r !== '' && !r.startsWith('/'));
    fc.assert(
      fc.property(raw, (r) => {
        const once = toProjectPattern('p', r);
        expect(toProjectPattern('p', once)).toBe(once);
        expect(toProjectPattern('p', `/repo/${r}`, '/repo')).toBe(once);
      }),
    );
  });
});
