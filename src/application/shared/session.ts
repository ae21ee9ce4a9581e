/** Limits and timings the use cases obey; read from the environment by the config adapter. */
export interface Settings {
  readonly maxMessageBytes: number;
  readonly leaseMs: number;
  readonly maxAttempts: number;
  readonly dlqTtlMs: number;
  readonly heartbeatMs: number;
  readonly staleAfterMs: number;
}

/** One MCP server process is one agent session: who it is and where it runs. */
export class Session {
  handle: string | undefined;
  guid: string | undefined;

  constructor(
    readonly namespace: string,
    readonly hostname: string,
    readonly username: string,
  ) {}
}
