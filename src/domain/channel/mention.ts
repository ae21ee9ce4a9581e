/**
 * Whether a message body mentions `@handle` as a whole word (`@bob` is not a mention of `@bo`).
 * Handles match NAME_PATTERN, so they carry no regex metacharacters.
 *
 * @example mentions('ping @bob, please', 'bob') // true
 */
export const mentions = (body: string, handle: string): boolean =>
  new RegExp(`(^|[^a-z0-9-])@${handle}(?![a-z0-9-])`, 'i').test(body);
