import { MAX_JSON_DEPTH, ValidationError } from '../../domain/index.js';
import type { Session } from './session.js';

export class NotRegistered extends ValidationError {
  constructor(action: string) {
    super('agent', `this session is not registered; call register_agent before you ${action}`);
  }
}

export function requireGuid(session: Session, action: string): string {
  if (!session.guid) throw new NotRegistered(action);
  return session.guid;
}

export function requireHandle(session: Session): string {
  if (!session.handle)
    throw new ValidationError('handle', 'no handle is set for this session; call set_handle or register_agent first');
  return session.handle;
}

/** UTF-8 size, counted without encoding (a page of 50 messages spent 0.1 ms encoding bodies only to size them). */
export const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Bounds free text fields (descriptions, errors, summaries) so nothing unbounded is stored. */
export function checkText(field: string, value: string, maxBytes: number, { allowEmpty = false } = {}): string {
  if (typeof value !== 'string') throw new ValidationError(field, 'must be text');
  if (!allowEmpty && value.trim().length === 0) throw new ValidationError(field, 'must not be empty');
  const size = byteLength(value);
  if (size > maxBytes) throw new ValidationError(field, `is ${size} bytes; the limit is ${maxBytes} bytes`);
  return value;
}

/** Iterative on purpose: recursing over a value nested thousands deep is what overflows the stack. */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) pending.push([child, depth + 1]);
  }
  return false;
}

/**
 * Bounds structured payloads (metadata, contextData, results) by their JSON size and depth.
 * The depth is checked first: JSON.stringify (here, when storing, and when answering) recurses,
 * and a value nested a few thousand levels deep — easy to send as JSON text — made it throw
 * "Maximum call stack size exceeded", which came back as an internal error.
 */
export function checkJsonSize(field: string, value: unknown, maxBytes: number): void {
  if (nestedDeeperThan(value, MAX_JSON_DEPTH))
    throw new ValidationError(field, `is nested more than ${MAX_JSON_DEPTH} levels deep; flatten it`);
  const size = byteLength(JSON.stringify(value) ?? '');
  if (size > maxBytes) throw new ValidationError(field, `is ${size} bytes as JSON; the limit is ${maxBytes} bytes`);
}

export const iso = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : new Date(ms).toISOString();
