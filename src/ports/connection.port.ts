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
