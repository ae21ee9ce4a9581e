import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  failureOf,
  fitTail,
  parseProgressLine,
  resultOf,
  TextTail,
  utf8Bytes,
} from '../../../src/adapters/cli/worker/work-output.js';
import { MAX_RESULT_BYTES, MAX_WORK_NOTE_BYTES } from '../../../src/domain/index.js';

const jsonBytes = (text: string): number => utf8Bytes(JSON.stringify(text));

describe('::progress lines', () => {
  it.each([
    ['::progress 40 compiling the parser', { percent: 40, note: 'compiling the parser' }],
    ['::progress 40', { percent: 40 }],
    ['::progress 12.5% halfway there  ', { percent: 12.5, note: 'halfway there' }],
    ['::progress\t100\tdone\r', { percent: 100, note: 'done' }],
    ['::progress 0', { percent: 0 }],
  ])('%j reports progress', (line, expected) => {
    expect(parseProgressLine(line)).toEqual(expected);
  });

  it.each(['::progress', '::progress abc', '::progress 101 too far', '::progress -5', ' ::progress 5', 'progress 5'])(
    '%j is output, not progress',
    (line) => {
      expect(parseProgressLine(line)).toBeUndefined();
    },
  );

  it('cuts a note to the limit of a work note', () => {
    const progress = parseProgressLine(`::progress 1 ${'é'.repeat(MAX_WORK_NOTE_BYTES)}`);
    expect(utf8Bytes(progress!.note!)).toBeLessThanOrEqual(MAX_WORK_NOTE_BYTES);
  });
});

describe('fitTail', () => {
  it('keeps text that fits whole, unmarked', () => {
    expect(fitTail('short', 10, utf8Bytes)).toBe('short');
  });

  it('keeps the end of text that does not fit, and marks the cut', () => {
    // "…" is three bytes in UTF-8.
    expect(fitTail('0123456789', 7, utf8Bytes)).toBe('…6789');
  });

  it('never splits a character: any text, any limit, the result fits and ends as the text ends', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.integer({ min: 4, max: 400 }), (text, max) => {
        const fitted = fitTail(text, max, utf8Bytes);
        expect(utf8Bytes(fitted)).toBeLessThanOrEqual(Math.max(max, utf8Bytes('…')));
        const kept = fitted.startsWith('…') && fitted !== text ? fitted.slice(1) : fitted;
        expect(text.endsWith(kept)).toBe(true);
        expect(() => encodeURIComponent(kept)).not.toThrow(); // no lone surrogate
      }),
    );
  });
});

describe('the result of a command', () => {
  it('is its stdout without trailing whitespace, none when empty', () => {
    expect(resultOf({ text: 'line 1\nline 2\n\n', dropped: 0 })).toBe('line 1\nline 2');
    expect(resultOf({ text: ' \n', dropped: 0 })).toBeUndefined();
  });

  it('keeps the end of a long output within the result limit as JSON, saying how much was cut', () => {
    const text = `${'"quoted"\n'.repeat(20_000)}the end`;
    const result = resultOf({ text, dropped: 1_000 })!;
    expect(jsonBytes(result)).toBeLessThanOrEqual(MAX_RESULT_BYTES);
    expect(jsonBytes(result)).toBeGreaterThan(MAX_RESULT_BYTES - 100);
    expect(result).toMatch(/^\[… \d+ characters of output cut\]\n/);
    const cut = Number(/\[… (\d+) characters/.exec(result)![1]);
    expect(result.endsWith('the end')).toBe(true);
    expect(cut + (result.length - result.indexOf('\n') - 1)).toBe(text.length + 1_000);
  });

  it('says so even when what was kept fits', () => {
    expect(resultOf({ text: 'tail', dropped: 7 })).toBe('[… 7 characters of output cut]\ntail');
  });
});

describe('the error of a failed command', () => {
  it('says how it ended and what it wrote last on stderr', () => {
    expect(failureOf('exit code 3', 'warning\nboom\n')).toBe('exit code 3; stderr: warning\nboom');
    expect(failureOf('killed by SIGKILL', '')).toBe('killed by SIGKILL');
  });

  it('keeps the end of a long stderr within the limit of a work note', () => {
    const error = failureOf('exit code 1', `${'x'.repeat(10_000)}\nthe real problem`);
    expect(utf8Bytes(error)).toBeLessThanOrEqual(MAX_WORK_NOTE_BYTES);
    expect(error).toMatch(/^exit code 1; stderr: …x+\nthe real problem$/);
  });
});

describe('TextTail', () => {
  it('keeps the newest characters and counts those before them', () => {
    const tail = new TextTail(10);
    for (let i = 0; i < 100; i++) tail.append(`${i % 10}`);
    const { text, dropped } = tail.read();
    expect(text.length).toBeGreaterThanOrEqual(10);
    expect(dropped + text.length).toBe(100);
    expect('0123456789'.repeat(10).endsWith(text)).toBe(true);
  });
});
