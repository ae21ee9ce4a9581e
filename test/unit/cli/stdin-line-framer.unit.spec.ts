import { describe, expect, it } from 'vitest';
import { LineTooLong, stdinLineFramer } from '../../../src/adapters/cli/stdin-line-framer.js';

/** Feeds `chunks` through a framer; returns what came out, chunk by chunk, or the error. */
async function frame(chunks: string[], maxBytes?: number): Promise<{ out: string[]; error?: Error }> {
  const framer = stdinLineFramer(maxBytes);
  const out: string[] = [];
  framer.on('data', (chunk: Buffer) => out.push(chunk.toString()));
  const done = new Promise<Error | undefined>((resolve) => {
    framer.once('error', resolve);
    framer.once('end', () => resolve(undefined));
  });
  for (const chunk of chunks) framer.write(Buffer.from(chunk));
  framer.end();
  const error = await done;
  return error ? { out, error } : { out };
}

describe('stdinLineFramer', () => {
  it('passes on whole lines only, joining a line split over chunks', async () => {
    expect(await frame(['{"a":', '1}\n{"b"', ':2}\n{"c":3}\n{"partial'])).toEqual({
      out: ['{"a":1}\n', '{"b":2}\n{"c":3}\n'],
    });
  });

  it('fails once the line being read is over the limit, without waiting for its end', async () => {
    const { out, error } = await frame(['ok\n', 'x'.repeat(6), 'x'.repeat(6)], 10);
    expect(out).toEqual(['ok\n']);
    expect(error).toBeInstanceOf(LineTooLong);
    expect(error?.message).toBe('a request line is over 10 bytes');
  });

  it('accepts a line of exactly the limit', async () => {
    expect(await frame(['x'.repeat(10), '\n'], 10)).toEqual({ out: [`${'x'.repeat(10)}\n`] });
  });
});
