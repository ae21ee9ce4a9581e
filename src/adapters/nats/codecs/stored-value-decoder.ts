import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { Quarantine } from '../../../ports/index.js';

/** Where a value was read from, for the report of a value that does not decode. */
export interface Origin {
  readonly source: string;
  readonly subject: string;
  readonly sequence?: number;
}

const MAX_ISSUES = 3;
const utf8 = new TextDecoder();

/** zod's issues as one short line: where in the value, and what was expected. */
export function describeIssues(error: z.ZodError): string {
  const issues = error.issues
    .slice(0, MAX_ISSUES)
    .map((i) => `${i.path.length ? i.path.join('.') : 'value'}: ${i.message}`);
  return issues.join('; ') + (error.issues.length > MAX_ISSUES ? ` (+${error.issues.length - MAX_ISSUES} more)` : '');
}

/**
 * The edge where bytes read back from NATS become typed values. Anything that is not JSON or not
 * the expected shape is reported to the quarantine (once per value) and comes back undefined, for
 * the caller to skip: one bad value never fails a read, a replay or a feed.
 */
export class StoredValueDecoder {
  constructor(private readonly quarantine: Quarantine) {}

  decode<T>(schema: z.ZodType<T>, data: Uint8Array | string, origin: Origin): T | undefined {
    let value: unknown;
    try {
      value = JSON.parse(typeof data === 'string' ? data : utf8.decode(data));
    } catch {
      this.reject(origin, 'not JSON', data);
      return undefined;
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    this.reject(origin, describeIssues(parsed.error), data);
    return undefined;
  }

  /** Reports a value that decoded but is wrong where it was found (say, under another key). */
  reject(origin: Origin, reason: string, data?: Uint8Array | string): void {
    this.quarantine.reject({
      ...origin,
      ...(origin.sequence === undefined && data !== undefined
        ? { digest: createHash('sha256').update(data).digest('hex') }
        : {}),
      reason,
    });
  }
}
