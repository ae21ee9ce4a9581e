import { MAX_JSON_DEPTH, ValidationError } from '../../domain/index.js';
import type { SessionWire } from './hub-protocol.js';

/**
 * The request a session sends the hub. The use cases check their inputs on the hub, but two
 * inputs never get there: one nested too deep to serialise here, and one larger than the
 * server's max_payload once encoded. Both are refused here naming the field, as a local call would.
 */
export function encodeRequest(
  session: SessionWire,
  input: unknown,
  checkPayload: (field: string, payload: string) => void,
  /** An agent's user JWT, for the hub to check who is calling (ADR 0022). */
  credential?: string,
  /** The call's id, the same each time it is asked (ADR 0037). */
  id?: string,
): string {
  let payload: string;
  try {
    payload = JSON.stringify({ session, input, ...(credential ? { credential } : {}), ...(id ? { id } : {}) });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new ValidationError(
      fieldWhere(input, isTooDeep),
      `is nested more than ${MAX_JSON_DEPTH} levels deep; flatten it`,
    );
  }
  try {
    checkPayload('input', payload);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    // Too large: the message names the field that made it so (only worked out in that case).
    checkPayload(largestField(input), payload);
    throw error;
  }
  return payload;
}

function isTooDeep(value: unknown): boolean {
  try {
    JSON.stringify(value);
    return false;
  } catch {
    return true;
  }
}

const fieldWhere = (input: unknown, test: (value: unknown) => boolean): string =>
  (isRecord(input) ? Object.entries(input).find(([, v]) => test(v))?.[0] : undefined) ?? 'input';

function largestField(input: unknown): string {
  if (!isRecord(input)) return 'input';
  let largest = { field: 'input', size: -1 };
  for (const [field, value] of Object.entries(input)) {
    const size = JSON.stringify(value)?.length ?? 0;
    if (size > largest.size) largest = { field, size };
  }
  return largest.field;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
