import { BackendUnavailable } from '../../src/ports/index.js';

/**
 * Repeats `op` while the backend says it is unavailable (a server restarting, leaders being
 * elected): no event announces the end of those, so the observable answer is polled.
 */
export async function whenAvailable<T>(op: () => Promise<T>, attempts = 20): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await op();
    } catch (error) {
      // Over MCP the class is lost; its text says the same.
      const unavailable = error instanceof BackendUnavailable || /cannot reach its backend/.test(String(error));
      if (!unavailable || attempt >= attempts) throw error;
    }
  }
}
