/** Generous: the exits below take well under a second; this only stops a hang from passing. */
const EXIT_DEADLINE_MS = 20_000;

export function within<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} not within ${EXIT_DEADLINE_MS} ms`)), EXIT_DEADLINE_MS).unref(),
    ),
  ]);
}
