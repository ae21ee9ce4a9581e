import { describe, expect, it } from 'vitest';
import {
  holderGone,
  patternsOverlap,
  refusalsOf,
  reservationBookDecider,
  toProjectPattern,
  TooManyReservations,
  ValidationError,
  MAX_PROJECT_RESERVATIONS,
  type PathHolder,
  type ReservationCommand,
  type ReservationEvent,
} from '../../../src/domain/index.js';
import { fold, spec } from '../../support/given-when-then.js';

const alice: PathHolder = { guid: 'g-alice', handle: 'alice', session: 's-a' };
const bob: PathHolder = { guid: 'g-bob', handle: 'bob', session: 's-b' };
const HOUR = 3_600;

const reserve = (
  holder: PathHolder,
  patterns: string[],
  now: number,
  more: Partial<Extract<ReservationCommand, { type: 'ReservePaths' }>> = {},
): ReservationCommand => ({
  type: 'ReservePaths',
  holder,
  patterns,
  exclusive: true,
  ttlSeconds: HOUR,
  gone: [],
  now,
  ...more,
});
const reserved = (holder: PathHolder, pattern: string, at: number, more: object = {}): ReservationEvent => ({
  type: 'PathsReserved',
  v: 1,
  holder,
  reservations: [{ pattern, exclusive: true, expiresAt: at + HOUR * 1000, ...more }],
  at,
});
const aliceApp = reserved(alice, 'src/app/**', 0, { reason: 'refactoring the app' });

describe('Reservation book decider', () => {
  describe('ReservePaths', () => {
    it('grants a free pattern for its TTL, with the reason', () =>
      spec(reservationBookDecider)
        .when(reserve(alice, ['src/app/**'], 0, { reason: ' refactoring the app ' }))
        .then([aliceApp]));

    it('grants nothing where another holder reserved exclusively, and names the holder and reason', () => {
      spec(reservationBookDecider)
        .given([aliceApp])
        .when(reserve(bob, ['src/app/x.ts'], 10))
        .then([]);
      const [refusal] = refusalsOf(
        fold(reservationBookDecider, [aliceApp]),
        { guid: bob.guid, patterns: ['src/app/x.ts'], exclusive: true },
        10,
        new Set(),
      );
      expect(refusal?.blockers).toEqual([
        expect.objectContaining({ holder: alice, pattern: 'src/app/**', reason: 'refactoring the app' }),
      ]);
    });

    it('grants what is free and leaves out what is not', () =>
      spec(reservationBookDecider)
        .given([aliceApp])
        .when(reserve(bob, ['src/**', 'test/**'], 10))
        .then([reserved(bob, 'test/**', 10)]));

    it('lets shared reservations coexist, and an exclusive one exclude shared ones both ways', () => {
      const shared = { exclusive: false };
      const aliceShared: ReservationEvent = {
        ...reserved(alice, 'docs/**', 0),
        reservations: [{ pattern: 'docs/**', exclusive: false, expiresAt: HOUR * 1000 }],
      } as ReservationEvent;
      spec(reservationBookDecider)
        .given([aliceShared])
        .when(reserve(bob, ['docs/a.md'], 5, shared))
        .then([
          {
            type: 'PathsReserved',
            v: 1,
            holder: bob,
            reservations: [{ pattern: 'docs/a.md', exclusive: false, expiresAt: 5 + HOUR * 1000 }],
            at: 5,
          },
        ]);
      spec(reservationBookDecider)
        .given([aliceShared])
        .when(reserve(bob, ['docs/a.md'], 5))
        .then([]);
      spec(reservationBookDecider)
        .given([aliceApp])
        .when(reserve(bob, ['src/app/a.ts'], 5, shared))
        .then([]);
    });

    it('renews the holder’s own reservation, keeping when it began', () => {
      const renewed = reserved(alice, 'src/app/**', 100, { reason: 'refactoring the app' });
      spec(reservationBookDecider)
        .given([aliceApp])
        .when(reserve(alice, ['src/app/**'], 100, { reason: 'refactoring the app' }))
        .then([renewed]);
      expect(fold(reservationBookDecider, [aliceApp, renewed]).reservations).toEqual([
        expect.objectContaining({ pattern: 'src/app/**', since: 0, expiresAt: 100 + HOUR * 1000 }),
      ]);
    });

    it('ends an expired reservation and one whose holder has gone, then grants', () => {
      spec(reservationBookDecider)
        .given([aliceApp])
        .when(reserve(bob, ['src/app/x.ts'], HOUR * 1000))
        .then([
          {
            type: 'ReservationsEnded',
            v: 1,
            ended: [{ guid: alice.guid, pattern: 'src/app/**' }],
            why: 'expired',
            at: HOUR * 1000,
          },
          reserved(bob, 'src/app/x.ts', HOUR * 1000),
        ]);
      spec(reservationBookDecider)
        .given([aliceApp])
        .when(reserve(bob, ['src/app/x.ts'], 10, { gone: ['g-alice/s-a'] }))
        .then([
          {
            type: 'ReservationsEnded',
            v: 1,
            ended: [{ guid: alice.guid, pattern: 'src/app/**' }],
            why: 'holder-gone',
            at: 10,
          },
          reserved(bob, 'src/app/x.ts', 10),
        ]);
    });

    it('refuses a TTL outside 1 s..24 h, an empty list and a pattern outside the project', () => {
      const given = spec(reservationBookDecider).given([]);
      given.when(reserve(alice, ['a'], 0, { ttlSeconds: 0 })).thenThrows(ValidationError, /ttlSeconds/);
      given.when(reserve(alice, ['a'], 0, { ttlSeconds: 86_401 })).thenThrows(ValidationError, /24 h/);
      given.when(reserve(alice, [], 0)).thenThrows(ValidationError, /at least one/);
      given.when(reserve(alice, ['../x'], 0)).thenThrows(ValidationError, /leaves its folder/);
      given.when(reserve(alice, ['/etc/passwd'], 0)).thenThrows(ValidationError, /absolute/);
    });

    it('refuses more reservations than a project may hold', () => {
      const many: ReservationEvent = {
        type: 'PathsReserved',
        v: 1,
        holder: alice,
        reservations: Array.from({ length: MAX_PROJECT_RESERVATIONS }, (_, i) => ({
          pattern: `f${i}`,
          exclusive: true,
          expiresAt: HOUR * 1000,
        })),
        at: 0,
      };
      spec(reservationBookDecider)
        .given([many])
        .when(reserve(bob, ['other'], 1))
        .thenThrows(TooManyReservations);
      spec(reservationBookDecider)
        .given([many])
        .when(reserve(alice, ['f0'], 1))
        .then([reserved(alice, 'f0', 1)]);
    });
  });

  describe('ReleasePaths, EndHolder', () => {
    it('releases the given patterns, or all of the holder’s, and nothing of others', () => {
      const bobTest = reserved(bob, 'test/**', 1);
      spec(reservationBookDecider)
        .given([aliceApp, bobTest])
        .when({ type: 'ReleasePaths', guid: alice.guid, patterns: ['./src/app/**'], now: 2 })
        .then([
          {
            type: 'ReservationsEnded',
            v: 1,
            ended: [{ guid: alice.guid, pattern: 'src/app/**' }],
            why: 'released',
            at: 2,
          },
        ]);
      spec(reservationBookDecider)
        .given([aliceApp, bobTest])
        .when({ type: 'ReleasePaths', guid: bob.guid, now: 2 })
        .then([
          { type: 'ReservationsEnded', v: 1, ended: [{ guid: bob.guid, pattern: 'test/**' }], why: 'released', at: 2 },
        ]);
      spec(reservationBookDecider).given([aliceApp]).when({ type: 'ReleasePaths', guid: bob.guid, now: 2 }).then([]);
    });

    it('ends everything a deregistered agent holds', () =>
      spec(reservationBookDecider)
        .given([aliceApp])
        .when({ type: 'EndHolder', guid: alice.guid, now: 3 })
        .then([
          {
            type: 'ReservationsEnded',
            v: 1,
            ended: [{ guid: alice.guid, pattern: 'src/app/**' }],
            why: 'deregistered',
            at: 3,
          },
        ]));
  });

  it('skips, on replay, a stored grant that would conflict with another holder’s reservation', () => {
    const forged = reserved(bob, 'src/**', 5);
    expect(reservationBookDecider.rejects(fold(reservationBookDecider, [aliceApp]), forged)).toMatch(/conflicting/);
    expect(reservationBookDecider.rejects(fold(reservationBookDecider, [aliceApp]), reserved(bob, 'test/**', 5))).toBe(
      undefined,
    );
  });
});

describe('holders that have gone', () => {
  const facts = { deregistered: false, session: 's-a', lastSeen: 1_000, processGone: false };
  it('a session’s reservations end with the session: clean end, takeover, crash, stale heartbeat, deregistration', () => {
    expect(holderGone(alice, facts, 2_000, 90_000)).toBe(false);
    expect(holderGone(alice, { ...facts, session: undefined }, 2_000, 90_000)).toBe(true);
    expect(holderGone(alice, { ...facts, session: 's-other' }, 2_000, 90_000)).toBe(true);
    expect(holderGone(alice, { ...facts, processGone: true }, 2_000, 90_000)).toBe(true);
    expect(holderGone(alice, facts, 91_001, 90_000)).toBe(true);
    expect(holderGone(alice, { ...facts, deregistered: true }, 2_000, 90_000)).toBe(true);
    expect(holderGone(alice, undefined, 2_000, 90_000)).toBe(true);
  });

  it('a CLI command’s reservations outlive the command, until deregistration', () => {
    const person: PathHolder = { guid: 'g-ann', handle: 'ann' };
    expect(holderGone(person, { ...facts, session: undefined }, 1e9, 90_000)).toBe(false);
    expect(holderGone(person, { ...facts, deregistered: true }, 2_000, 90_000)).toBe(true);
  });
});

describe('patterns', () => {
  it('are made relative to the project root and canonical', () => {
    expect(toProjectPattern('p', '/repo/src/app/', '/repo')).toBe('src/app');
    expect(toProjectPattern('p', '/repo/./src/../lib/x.ts', '/repo/')).toBe('lib/x.ts');
    expect(toProjectPattern('p', '/repo', '/repo')).toBe('**');
    expect(toProjectPattern('p', './src//**/**/x.ts')).toBe('src/**/x.ts');
    expect(() => toProjectPattern('p', '/repo-other/x', '/repo')).toThrow(/outside the project \(\/repo\)/);
    expect(() => toProjectPattern('p', 'src/**x')).toThrow(/whole segment/);
    expect(() => toProjectPattern('p', 'src/[ab].ts')).toThrow(/character/);
  });

  it('overlap as the issue says: src/app/** against src/app/x.ts and src/**, not test/**', () => {
    expect(patternsOverlap('src/app/**', 'src/app/x.ts')).toBe(true);
    expect(patternsOverlap('src/app/**', 'src/**')).toBe(true);
    expect(patternsOverlap('src/app', 'src/app/x.ts')).toBe(true);
    expect(patternsOverlap('src/*.ts', 'src/app/x.ts')).toBe(false);
    expect(patternsOverlap('src/app/**', 'test/**')).toBe(false);
    expect(patternsOverlap('**/*.md', 'docs/a/b.md')).toBe(true);
  });
});
