import { DomainError } from '../../domain/index.js';
import { ConfigError } from '../config/index.js';

/** Exit codes scripts can rely on. */
export const EXIT = { ok: 0, failed: 1, rejected: 2, unavailable: 3, usage: 64 } as const;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Raised by the runtime when the backend cannot be reached; carries what to do about it. */
export class BackendUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackendUnavailable';
  }
}

export function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof DomainError || error instanceof ConfigError) return EXIT.rejected;
  if (error instanceof BackendUnavailable) return EXIT.unavailable;
  return EXIT.failed;
}
