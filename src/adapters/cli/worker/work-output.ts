import { MAX_RESULT_BYTES, MAX_WORK_NOTE_BYTES, PROGRESS_PERCENT } from '../../../domain/index.js';

/**
 * What `warp worker` makes of a command's output: `::progress` lines, the result (the rest of
 * stdout) and the error of a failure (the exit and the tail of stderr), each within the limits
 * the use cases enforce, so a long output is cut rather than refused.
 */

export interface ProgressLine {
  readonly percent: number;
  readonly note?: string;
}

const PROGRESS = /^::progress[ \t]+(\d+(?:\.\d+)?)%?(?:[ \t]+(.*?))?[ \t]*$/;

/**
 * `::progress PERCENT NOTE` (NOTE optional, PERCENT 0-100, a trailing % allowed); any other line,
 * a malformed one included, is output.
 *
 * @example parseProgressLine('::progress 40 compiling') // { percent: 40, note: 'compiling' }
 */
export function parseProgressLine(line: string): ProgressLine | undefined {
  const match = PROGRESS.exec(line.endsWith('\r') ? line.slice(0, -1) : line);
  if (!match) return undefined;
  const percent = Number(match[1]);
  if (!(percent >= PROGRESS_PERCENT.min && percent <= PROGRESS_PERCENT.max)) return undefined;
  const note = match[2] ? fitTail(match[2], MAX_WORK_NOTE_BYTES, utf8Bytes) : undefined;
  return note ? { percent, note } : { percent };
}

export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
const jsonBytes = (text: string): number => utf8Bytes(JSON.stringify(text));

/** Where to cut `text` so that a slice from there does not start inside a surrogate pair. */
const whole = (text: string, at: number): number => {
  const code = text.charCodeAt(at);
  return code >= 0xdc00 && code <= 0xdfff ? at + 1 : at;
};

/**
 * The end of `text` that fits in `maxBytes` as measured by `size`, after `cutMark(n)`, where n is
 * the number of characters cut from its start (by default "…" when any were, nothing otherwise).
 */
export function fitTail(
  text: string,
  maxBytes: number,
  size: (text: string) => number,
  cutMark: (cut: number) => string = (cut) => (cut > 0 ? '…' : ''),
): string {
  const cutAt = (at: number): string => {
    const from = whole(text, at);
    return cutMark(from) + text.slice(from);
  };
  // The shortest cut that fits: sizes only shrink as the start moves right.
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (size(cutAt(mid)) <= maxBytes) high = mid;
    else low = mid + 1;
  }
  return cutAt(low);
}

/**
 * A stream's newest `limit` characters, and how many came before them: a command may print
 * without end, the worker keeps only what a result or an error can hold.
 */
export class TextTail {
  private text = '';
  private dropped = 0;

  constructor(private readonly limit: number) {}

  append(chunk: string): void {
    this.text += chunk;
    if (this.text.length > 2 * this.limit) {
      const from = whole(this.text, this.text.length - this.limit);
      this.dropped += from;
      this.text = this.text.slice(from);
    }
  }

  /** The kept text, and the number of characters dropped before it. */
  read(): { readonly text: string; readonly dropped: number } {
    return { text: this.text, dropped: this.dropped };
  }
}

/** Each character of the result is at least one byte as JSON: this many keep enough to fill it. */
export const RESULT_CHARS = MAX_RESULT_BYTES;

/**
 * The command's stdout as the item's result: its end, within the result limit (MAX_RESULT_BYTES
 * as JSON), marked when its start was cut; trailing whitespace dropped; none when it is empty.
 */
export function resultOf(stdout: { readonly text: string; readonly dropped: number }): string | undefined {
  const text = stdout.text.trimEnd();
  if (!text) return undefined;
  const mark = (cut: number): string =>
    stdout.dropped + cut > 0 ? `[… ${stdout.dropped + cut} characters of output cut]\n` : '';
  return fitTail(text, MAX_RESULT_BYTES, jsonBytes, mark);
}

/** How the command ended, in words: `exit code 3`, `killed by SIGKILL`. */
export const exitText = (code: number | null, signal: string | null): string =>
  code !== null ? `exit code ${code}` : `killed by ${signal ?? 'a signal'}`;

/**
 * The error a failed item is given: why (the exit, or an interruption), then the tail of stderr,
 * within the limit of a work note (MAX_WORK_NOTE_BYTES).
 */
export function failureOf(reason: string, stderr: string): string {
  const tail = stderr.trim();
  if (!tail) return fitTail(reason, MAX_WORK_NOTE_BYTES, utf8Bytes);
  const head = `${reason}; stderr: `;
  if (utf8Bytes(head) >= MAX_WORK_NOTE_BYTES / 2) return fitTail(reason, MAX_WORK_NOTE_BYTES, utf8Bytes);
  return head + fitTail(tail, MAX_WORK_NOTE_BYTES - utf8Bytes(head), utf8Bytes);
}
