import { DomainError, ValidationError } from '../../domain/index.js';
import { BackendUnavailable } from '../../ports/index.js';
import type { ErrorWire } from './hub-protocol.js';

/** A refusal decided by the hub, rethrown in the session with the hub's code and message. */
export class HubRefusal extends DomainError {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What the session's caller sees: the same kinds of error a local call would throw. */
export function errorToWire(error: unknown): ErrorWire {
  if (error instanceof DomainError)
    return {
      kind: 'domain',
      code: error.code,
      message: error.message,
      ...(error instanceof ValidationError ? { field: error.field } : {}),
    };
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof BackendUnavailable) return { kind: 'unavailable', code: 'unavailable', message };
  return { kind: 'internal', code: 'internal', message };
}

export function errorFromWire(wire: ErrorWire): Error {
  if (wire.kind === 'domain') return new HubRefusal(wire.code, wire.message);
  if (wire.kind === 'unavailable') return new BackendUnavailable(wire.message);
  return new Error(`The Warp hub failed: ${wire.message}`);
}
