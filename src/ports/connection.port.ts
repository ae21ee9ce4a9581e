import { DomainError } from '../domain/index.js';

export type ConnectionState = 'connected' | 'reconnecting' | 'disconnected' | 'in-memory';

/** What get_my_handle and `warp status` report about the backend. */
export interface Connection {
  readonly backend: 'nats' | 'memory';
  state(): ConnectionState;
  /** The server address without credentials, for display. */
  describe(): string;
}

/** The backend did not answer (unreachable, restarting, overloaded); the message says what to do. */
export class BackendUnavailable extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BackendUnavailable';
  }
}

/**
 * A storage limit refused a write (a project's quota, the account's, the server's): nothing was
 * stored, what is stored is kept, and the message names the limit and what to do.
 */
export class QuotaExceeded extends DomainError {
  readonly code = 'quota_exceeded';
}
