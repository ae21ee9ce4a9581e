import { ValidationError } from './domain-error.js';

/** Handles, channel names and namespaces: safe as a NATS subject token and a stream name part. */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** Capabilities also allow `_`; never a subject wildcard, dot or space. */
export const CAPABILITY_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** Ids minted by Warp (agents, work items): lowercase hex and dashes. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

function check(pattern: RegExp, field: string, value: string, hint: string): string {
  // The type says string, but values also come from JSON any client sent (a hub's requests).
  if (typeof value !== 'string') throw new ValidationError(field, `must be a string; ${hint}`);
  if (!pattern.test(value)) {
    throw new ValidationError(field, `${JSON.stringify(value.slice(0, 80))} is not valid; ${hint}`);
  }
  return value;
}

export const checkName = (field: string, value: string): string =>
  check(
    NAME_PATTERN,
    field,
    value,
    'use 1-64 lowercase letters, digits or dashes, starting with a letter or digit (e.g. "sprint-1")',
  );

export const checkCapability = (field: string, value: string): string =>
  check(
    CAPABILITY_PATTERN,
    field,
    value,
    'use 1-64 lowercase letters, digits, "-" or "_", starting with a letter or digit (e.g. "typescript")',
  );

export const checkId = (field: string, value: string): string =>
  check(ID_PATTERN, field, value, 'pass an id exactly as Warp returned it');
