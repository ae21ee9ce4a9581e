import type { WarpApp } from '../../application/index.js';
import { BackendUnavailable } from './exit-codes.js';

export interface Opened {
  readonly app: WarpApp;
  close(): Promise<void>;
}

/**
 * The MCP server starts answering at once; the backend is opened on first use and, when
 * it is unreachable, every call says why and the next call tries again.
 */
export function lazyRuntime<R extends Opened>(
  open: () => Promise<R>,
  /** What a failed open becomes; by default every failure says the backend is unavailable. */
  failure: (error: unknown) => Error = (error) =>
    new BackendUnavailable(error instanceof Error ? error.message : String(error)),
) {
  let opening: Promise<R> | undefined;
  const ensure = (): Promise<R> => {
    opening ??= open().catch((error: unknown) => {
      opening = undefined;
      throw failure(error);
    });
    return opening;
  };
  const app = new Proxy({} as WarpApp, {
    get:
      (_target, name: string) =>
      async (...args: unknown[]) => {
        const runtime = await ensure();
        const method = runtime.app[name as keyof WarpApp] as unknown as (...a: unknown[]) => Promise<unknown>;
        return method(...args);
      },
  });
  return {
    app,
    ensure,
    async close(): Promise<void> {
      const runtime = await opening?.catch(() => undefined);
      await runtime?.close();
    },
  };
}
