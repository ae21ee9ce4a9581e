import { Transform } from 'node:stream';

/** The SDK's own limit for the stdio read buffer (STDIO_DEFAULT_MAX_BUFFER_SIZE). */
export const MAX_LINE_BYTES = 10 * 1024 * 1024;

export class LineTooLong extends Error {
  constructor(maxBytes: number) {
    super(`a request line is over ${maxBytes} bytes`);
    this.name = 'LineTooLong';
  }
}

/**
 * Passes stdin on in whole lines. The SDK's read buffer copies all it holds and searches it for a
 * newline on every chunk: a 10 MB line blocked the event loop (heartbeats included) for 13 s to
 * minutes, chunk by chunk; whole lines cost it one copy. A line over `maxBytes` fails the stream
 * before it is held in full.
 */
export function stdinLineFramer(maxBytes: number = MAX_LINE_BYTES): Transform {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const end = chunk.lastIndexOf(0x0a);
      if (end < 0) {
        pending.push(chunk);
        pendingBytes += chunk.length;
      } else {
        this.push(Buffer.concat([...pending, chunk.subarray(0, end + 1)]));
        const rest = chunk.subarray(end + 1);
        pending = rest.length > 0 ? [rest] : [];
        pendingBytes = rest.length;
      }
      done(pendingBytes > maxBytes ? new LineTooLong(maxBytes) : null);
    },
  });
}
