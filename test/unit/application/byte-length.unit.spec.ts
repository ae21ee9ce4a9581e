import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byteLength, checkText } from '../../../src/application/shared/require.js';

/** Limits are in UTF-8 bytes, as stored: the count must be what an encoder writes, for any text. */
describe('byteLength', () => {
  it('is the length of the UTF-8 encoding, lone surrogates (written as U+FFFD) included', () => {
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        expect(byteLength(text)).toBe(encoder.encode(text).length);
      }),
    );
    expect([byteLength('é'), byteLength('€'), byteLength('😀'), byteLength('\ud800')]).toEqual([2, 3, 4, 3]);
  });

  it('bounds text by its bytes, not its characters', () => {
    expect(checkText('summary', '€€', 6)).toBe('€€');
    expect(() => checkText('summary', '€€€', 8)).toThrow('summary: is 9 bytes; the limit is 8 bytes');
  });
});
