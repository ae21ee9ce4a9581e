import { createHash, randomUUID } from 'node:crypto';
import type { IdGenerator } from '../../ports/index.js';

/** Random v4 UUIDs, and name-based ids shaped like UUIDs from a SHA-256 of the parts. */
export class CryptoIds implements IdGenerator {
  newId(): string {
    return randomUUID();
  }

  stableId(...parts: readonly string[]): string {
    const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  }
}
