import { describe, expect, it } from 'vitest';
import { createLogger, type LogLevel } from '../../../src/adapters/config/index.js';

function capture(level: LogLevel, secrets: string[] = []) {
  const lines: string[] = [];
  const logger = createLogger(level, secrets, {
    write: (line) => lines.push(line),
    now: () => new Date('2026-01-01T00:00:00.000Z'),
  });
  return { logger, lines };
}

describe('createLogger', () => {
  it('writes one line per entry with a timestamp, level and key=value fields', () => {
    const { logger, lines } = capture('INFO');
    logger.info('starting', {
      backend: 'nats',
      count: 3,
      note: 'two words',
      nested: { a: 1 },
      error: new Error('boom'),
    });
    expect(lines).toEqual([
      '2026-01-01T00:00:00.000Z INFO starting backend=nats count=3 note="two words" nested="{\\"a\\":1}" error=boom\n',
    ]);
  });

  it('drops entries below the level', () => {
    const { logger, lines } = capture('WARN');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(lines.map((l) => l.split(' ')[1])).toEqual(['WARN', 'ERROR']);
  });

  it('keeps every entry on one line', () => {
    const { logger, lines } = capture('DEBUG');
    logger.debug('multi\nline', { stack: 'a\nb' });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.trimEnd()).not.toContain('\n');
  });

  it('never prints a secret, in the message, a field or a URL', () => {
    const { logger, lines } = capture('DEBUG', ['s3cr"et']);
    logger.error('auth failed with s3cr"et', {
      url: 'nats://bob:s3cr%22et@h:4222',
      detail: { password: 's3cr"et' },
      other: 'nats://x:y@h',
    });
    const out = lines.join('');
    expect(out).not.toContain('s3cr');
    expect(out).not.toContain('x:y');
    expect(out).toContain('***');
  });

  it('writes to stderr by default, never stdout', () => {
    const stdout = process.stdout.write;
    const stderr = process.stderr.write;
    const seen: string[] = [];
    process.stdout.write = (() => {
      throw new Error('wrote to stdout');
    }) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string) => {
      seen.push(chunk);
      return true;
    }) as typeof process.stderr.write;
    try {
      createLogger('INFO').info('hello');
    } finally {
      process.stdout.write = stdout;
      process.stderr.write = stderr;
    }
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z INFO hello\n$/);
  });
});
