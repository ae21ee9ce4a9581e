export type ConnectionState = 'connected' | 'reconnecting' | 'disconnected' | 'in-memory';

/** What get_my_handle and `warp status` report about the backend. */
export interface Connection {
  readonly backend: 'nats' | 'memory';
  state(): ConnectionState;
  /** The server address without credentials, for display. */
  describe(): string;
}
