import { DomainError } from '../../domain/index.js';
import { BackendUnavailable } from '../../ports/index.js';
import { ConfigError } from '../config/config-error.js';

export { BackendUnavailable };

/** Exit codes scripts can rely on. */
export const EXIT = { ok: 0, failed: 1, rejected: 2, unavailable: 3, nothing: 4, usage: 64 } as const;

/**
 * Ends a command with `code` once it has said all it had to: `warp work claim` that found nothing
 * to claim exits EXIT.nothing, so that a script can tell "no work" from a failure.
 */
export class ExitWith extends Error {
  constructor(readonly code: number) {
    super(`exit code ${code}`);
    this.name = 'ExitWith';
  }
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function exitCodeOf(error: unknown): number {
  if (error instanceof ExitWith) return error.code;
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof DomainError || error instanceof ConfigError) return EXIT.rejected;
  if (error instanceof BackendUnavailable) return EXIT.unavailable;
  return EXIT.failed;
}
