/** Limits and timings the use cases obey; read from the environment by the config adapter. */
export interface Settings {
  readonly maxMessageBytes: number;
  readonly leaseMs: number;
  readonly maxAttempts: number;
  readonly dlqTtlMs: number;
  /** How long a finished work item's (compacted) history is kept before it is purged. */
  readonly workRetentionMs: number;
  readonly heartbeatMs: number;
  readonly staleAfterMs: number;
  readonly channelLimits: ChannelLimits;
  /** How often a long-running process does its upkeep (MAINTENANCE_INTERVAL_MS when not set). */
  readonly upkeepMs?: number;
  /** How often it checkpoints its read models (CHECKPOINT_INTERVAL_MS when not set). */
  readonly checkpointMs?: number;
}

import type { AgentHolder, ChannelLimits } from '../../domain/index.js';

/** One MCP server process is one agent session: who it is and where it runs. */
export class Session {
  private currentHandle: string | undefined;
  private currentGuid: string | undefined;
  private readonly listeners = new Set<() => void>();
  /**
   * The project's root directory (the git root of MCP_PROJECT_PATH or the working directory), in
   * the session's own process only: absolute paths given to reservations are made relative to it
   * there, and it never travels to a hub.
   */
  projectRoot: string | undefined;

  constructor(
    readonly namespace: string,
    readonly hostname: string,
    readonly username: string,
    /** This session's id and process; recorded with the agent it registers as. */
    readonly holder: AgentHolder,
  ) {}

  get handle(): string | undefined {
    return this.currentHandle;
  }

  set handle(value: string | undefined) {
    this.currentHandle = value;
    this.changed();
  }

  get guid(): string | undefined {
    return this.currentGuid;
  }

  set guid(value: string | undefined) {
    this.currentGuid = value;
    this.changed();
  }

  /** Called whenever the handle or guid changes (e.g. to re-aim live feeds). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
