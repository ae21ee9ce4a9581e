import { describe, expect, it } from 'vitest';
import { encodeRequest } from '../../../src/adapters/hub/hub-request.js';
import { ValidationError } from '../../../src/domain/index.js';

const session = { namespace: 'ns', hostname: 'h', username: 'u', holder: { session: 's', pid: 1 } };
const roomy = (): void => {};
/** A server that takes at most `max` bytes, worded as the NATS connection words it. */
const atMost =
  (max: number) =>
  (field: string, payload: string): void => {
    if (payload.length > max) throw new ValidationError(field, `is ${payload.length} bytes once encoded`);
  };

describe('encodeRequest', () => {
  it('encodes the session and the input as one JSON request', () => {
    expect(JSON.parse(encodeRequest(session, { taskId: 't' }, roomy))).toEqual({ session, input: { taskId: 't' } });
  });

  it('refuses input nested too deep to serialise, naming the field', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = { a: deep };
    const encode = (): string => encodeRequest(session, { taskId: 't', contextData: deep }, roomy);
    expect(encode).toThrow(ValidationError);
    expect(encode).toThrow(/^contextData: is nested more than \d+ levels deep/);
  });

  it('refuses input larger than the server takes, naming its largest field', () => {
    const encode = (): string => encodeRequest(session, { taskId: 't', description: '"'.repeat(1_000) }, atMost(1_000));
    expect(encode).toThrow(/^description: is \d+ bytes once encoded/);
    expect(() => encodeRequest(session, { description: 'short' }, atMost(1_000))).not.toThrow();
  });
});
