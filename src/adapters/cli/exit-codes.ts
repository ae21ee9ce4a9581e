import { DomainError } from '../../domain/index.js';
import { BackendUnavailable } from '../../ports/index.js';
import { ConfigError } from '../config/config-error.js';

export { BackendUnavailable };

/** Exit codes scripts can rely on. */
export const EXIT = { ok: 0, failed: 1, rejected: 2, unavailable: 3, usage: 64 } as const;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof DomainError || error instanceof ConfigError) return EXIT.rejected;
  if (error instanceof BackendUnavailable) return EXIT.unavailable;
  return EXIT.failed;
}
