import { describe, expect, it } from 'vitest';
import { checkPageSize, PAGE, ValidationError } from '../../../src/domain/index.js';

describe('checkPageSize', () => {
  it('given no size, the page gets the default', () => {
    expect(checkPageSize('limit', undefined, PAGE.messages)).toBe(50);
    expect(checkPageSize('limit', undefined, PAGE.directMessages)).toBe(10);
  });

  it('given a size at either end of the range, it is accepted', () => {
    expect(checkPageSize('limit', 1, PAGE.workItems)).toBe(1);
    expect(checkPageSize('limit', 500, PAGE.workItems)).toBe(500);
  });

  it.each([0, 101, 2.5, Number.NaN])('given %s for a dead-letter page, it is refused saying the range', (size) => {
    expect(() => checkPageSize('limit', size, PAGE.deadLetters)).toThrow(ValidationError);
    expect(() => checkPageSize('limit', size, PAGE.deadLetters)).toThrow('limit: must be a whole number from 1 to 100');
  });
});
