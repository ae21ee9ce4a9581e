import { operationMethods, callOperation, type WarpApi } from '../../application/index.js';
import { DomainError } from '../../domain/index.js';
import { ConfigError } from '../config/index.js';
import { BackendUnavailable } from './exit-codes.js';

export interface Opened {
  readonly app: WarpApi;
  close(): Promise<void>;
}

/**
 * What a failed open becomes: a configuration to fix and a refusal (the CLI's --as taken)
 * stay what they are; anything else means the backend could not be reached.
 */
export function openFailure(error: unknown): Error {
  if (error instanceof ConfigError || error instanceof DomainError || error instanceof BackendUnavailable) return error;
  return new BackendUnavailable(error instanceof Error ? error.message : String(error));
}

/** WarpApi over a runtime opened on first use, and the runtime itself. */
export interface LazyWarpApi<R extends Opened = Opened> extends WarpApi {
  /** The opened runtime, opening it if no open is under way or done. */
  ensure(): Promise<R>;
  /** Closes the runtime if it was opened; nothing to do otherwise. */
  close(): Promise<void>;
}

/**
 * WarpApi over a runtime opened on first use, so the MCP server answers at once and CLI
 * commands that never touch the backend do not open it. A failed open rejects that call
 * with why (see openFailure) and the next call opens again.
 */
export function lazyWarpApi<R extends Opened = Opened>(open: () => Promise<R>): LazyWarpApi<R> {
  let opening: Promise<R> | undefined;
  const ensure = (): Promise<R> =>
    (opening ??= open().catch((error: unknown) => {
      opening = undefined;
      throw openFailure(error);
    }));
  return {
    ensure,
    async close() {
      const runtime = await opening?.catch(() => undefined);
      await runtime?.close();
    },
    ...operationMethods(async (name, input) => callOperation((await ensure()).app, name, input)),
    startAgentFeed: async (kinds, push) => (await ensure()).app.startAgentFeed(kinds, push),
    watchUpdates: async (listener) => (await ensure()).app.watchUpdates(listener),
    watchWork: async (listener) => (await ensure()).app.watchWork(listener),
  };
}
