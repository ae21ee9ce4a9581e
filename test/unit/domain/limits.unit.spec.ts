import { describe, expect, it } from 'vitest';
import {
  CLAIM_TIMEOUT_MS,
  checkInRange,
  PAGE,
  PRIORITY,
  RESERVATION_TTL_S,
  ValidationError,
  WAIT_TIMEOUT_MS,
} from '../../../src/domain/index.js';

describe('checkInRange', () => {
  it('given no value, it gets the range default', () => {
    expect(checkInRange('limit', undefined, PAGE.messages)).toBe(50);
    expect(checkInRange('limit', undefined, PAGE.directMessages)).toBe(10);
    expect(checkInRange('priority', undefined, PRIORITY)).toBe(5);
  });

  it('given a value at either end of the range, it is accepted', () => {
    expect(checkInRange('limit', 1, PAGE.workItems)).toBe(1);
    expect(checkInRange('limit', 500, PAGE.workItems)).toBe(500);
    expect(checkInRange('timeoutMs', 0, WAIT_TIMEOUT_MS)).toBe(0);
  });

  it.each([0, 101, 2.5, Number.NaN])('given %s for a dead-letter page, it is refused saying the range', (size) => {
    expect(() => checkInRange('limit', size, PAGE.deadLetters)).toThrow(ValidationError);
    expect(() => checkInRange('limit', size, PAGE.deadLetters)).toThrow('limit: must be a whole number from 1 to 100');
  });

  it('given a wording, the refusal names the unit, the ends and the note as each use case always has', () => {
    const refusal = (f: () => unknown): string => {
      try {
        f();
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('not refused');
    };
    expect(refusal(() => checkInRange('timeout', 99, CLAIM_TIMEOUT_MS, { unit: 'ms' }))).toBe(
      'timeout: must be a whole number of ms from 100 to 30000',
    );
    expect(refusal(() => checkInRange('priority', 11, PRIORITY, { ends: ['(low)', '(high)'] }))).toBe(
      'priority: must be a whole number from 1 (low) to 10 (high)',
    );
    expect(
      refusal(() => checkInRange('ttlSeconds', 86_401, RESERVATION_TTL_S, { unit: 'seconds', note: '(24 h)' })),
    ).toBe('ttlSeconds: must be a whole number of seconds from 1 to 86400 (24 h)');
  });
});
