import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  holderKey,
  holdsConflict,
  refusalsOf,
  reservationBookDecider,
  reservationLive,
  type PathHolder,
  type ReservationBook,
  type ReservationCommand,
  type ReservationEvent,
} from '../../src/domain/index.js';
import { checkCompaction, playAndCheck, timed, type Step, type Untimed } from './decider-laws.js';

const HOLDERS: PathHolder[] = [
  { guid: 'g-alice', handle: 'alice', session: 's-a' },
  { guid: 'g-bob', handle: 'bob', session: 's-b' },
  { guid: 'g-bob', handle: 'bob', session: 's-b2' },
  { guid: 'g-ann', handle: 'ann' },
];
const KEYS = HOLDERS.map(holderKey);
const PATTERNS = ['src/**', 'src/app/**', 'src/app/x.ts', 'src/*.ts', 'test/**', 'README.md', '**', 'docs/*/a.md'];

const patterns = fc.uniqueArray(fc.constantFrom(...PATTERNS), { minLength: 1, maxLength: 3 });
const command: fc.Arbitrary<Untimed<ReservationCommand>> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      type: fc.constant('ReservePaths' as const),
      holder: fc.constantFrom(...HOLDERS),
      patterns,
      exclusive: fc.boolean(),
      reason: fc.constantFrom(undefined, 'refactor', ''),
      ttlSeconds: fc.constantFrom(1, 5, 60, 3_600, 0),
      gone: fc.subarray(KEYS, { maxLength: 2 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('ReleasePaths' as const),
      guid: fc.constantFrom(...HOLDERS.map((h) => h.guid)),
      patterns: fc.option(patterns, { nil: undefined }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant('EndHolder' as const), guid: fc.constantFrom('g-alice', 'g-bob') }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('CompactBook' as const) }) },
);
const steps = fc.array(fc.record({ dt: fc.integer({ min: 0, max: 4_000 }), command }), { maxLength: 40 });

type BookStep = Step<ReservationCommand, ReservationBook, ReservationEvent>;

function invariants(step: BookStep): void {
  if (!step.accepted) return;
  const { after, command, before, events } = step;
  expect(holdsConflict(after.reservations), 'the book never holds a conflict between holders').toBe(false);
  const keys = after.reservations.map((r) => `${r.holder.guid} ${r.pattern}`);
  expect(new Set(keys).size, 'a holder holds a pattern once').toBe(keys.length);
  if (command.type === 'CompactBook') checkCompaction(reservationBookDecider, before, events, after);
  if (command.type !== 'ReservePaths') return;
  const gone = new Set(command.gone.filter((k) => k !== holderKey(command.holder)));
  const asked = { guid: command.holder.guid, patterns: command.patterns, exclusive: command.exclusive };
  const refused = refusalsOf(before, asked, command.now, gone);
  const grant = events.find((e) => e.type === 'PathsReserved');
  // What is granted is exactly what was free; what blocked the rest still blocks it afterwards.
  expect(grant?.reservations.map((r) => r.pattern) ?? []).toEqual(
    command.patterns.filter((p) => !refused.some((r) => r.pattern === p)),
  );
  expect(refusalsOf(after, asked, command.now, gone)).toEqual(refused);
  if (grant)
    for (const p of grant.reservations)
      expect(
        after.reservations.some(
          (r) =>
            r.holder.guid === command.holder.guid && r.pattern === p.pattern && reservationLive(r, command.now, gone),
        ),
      ).toBe(true);
}

describe('Reservation book properties', () => {
  it('obeys the decider laws, and never holds two conflicting reservations of different holders', () => {
    fc.assert(
      fc.property(steps, (s) => {
        playAndCheck(reservationBookDecider, timed<ReservationCommand>(s), invariants);
      }),
      { numRuns: 300 },
    );
  });

  it('grants one of two holders racing for one path on the same book, never both', () => {
    fc.assert(
      fc.property(steps, fc.constantFrom(...PATTERNS), (s, pattern) => {
        const book = playAndCheck(reservationBookDecider, timed<ReservationCommand>(s), () => undefined);
        const now = 1e9;
        const ask = (holder: PathHolder): ReservationCommand => ({
          type: 'ReservePaths',
          holder,
          patterns: [pattern],
          exclusive: true,
          ttlSeconds: 60,
          gone: [],
          now,
        });
        // The first decision is appended; the second is decided again on the book it produced (a revision conflict).
        const first = reservationBookDecider.decide(ask(HOLDERS[0]!), book);
        const after = first.reduce(reservationBookDecider.evolve, book);
        const second = reservationBookDecider.decide(ask(HOLDERS[1]!), after);
        expect(first.some((e) => e.type === 'PathsReserved')).toBe(true);
        expect(second.some((e) => e.type === 'PathsReserved')).toBe(false);
      }),
    );
  });
});
