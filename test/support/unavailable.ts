import { BackendUnavailable } from '../../src/ports/index.js';

/**
 * Repeats `op` while the backend says it is unavailable (a server restarting, leaders being
 * elected): no event announces the end of those, so the observable answer is polled.
 */
export async function whenAvailable<T>(op: () => Promise<T>, withinMs = 20_000): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await op();
    } catch (error) {
      // Over MCP the class is lost; its text says the same.
      const unavailable = error instanceof BackendUnavailable || /cannot reach its backend/.test(String(error));
      if (!unavailable || Date.now() > deadline) throw error;
      // A call that fails at once (no hub yet: its hub is still reconnecting) is asked again a moment later.
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
