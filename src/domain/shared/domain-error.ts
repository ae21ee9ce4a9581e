/**
 * Base of every expected failure the domain (and the use cases) can report.
 * `code` is stable for machines; `message` says what was wrong and how to fix it.
 *
 * @example
 *   throw new WorkItemNotFound('w-1'); // adapters turn it into isError / exit code
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  readonly code = 'invalid_input';
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`${field}: ${detail}`);
  }
}

export class NotFound extends DomainError {
  readonly code = 'not_found';
}

export class Conflict extends DomainError {
  readonly code = 'conflict';
}

export class NotAllowed extends DomainError {
  readonly code = 'not_allowed';
}

/** Only reachable when a caller bypasses the type system (e.g. a malformed stored command). */
export class UnknownCommand extends DomainError {
  readonly code = 'unknown_command';
  constructor(command: unknown) {
    super(`Unknown command ${JSON.stringify(command)}`);
  }
}
