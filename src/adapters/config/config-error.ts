/**
 * A configuration problem the user must fix (bad environment variable or project file).
 * The message names the variable or field and what is expected; it never contains a secret.
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
