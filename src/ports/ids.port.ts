export interface IdGenerator {
  /** A fresh unique id (lowercase, subject-safe). */
  newId(): string;
  /** The same id for the same parts, on every machine (e.g. an agent's guid from project, host and handle). */
  stableId(...parts: readonly string[]): string;
}
