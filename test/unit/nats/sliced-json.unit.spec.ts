import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringifyInSlices } from '../../../src/adapters/nats/codecs/sliced-json.js';

describe('stringifyInSlices (a checkpoint encoded without holding the event loop)', () => {
  it('encodes any JSON value as JSON.stringify does, whatever the slice', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.integer({ min: 1, max: 5 }), async (value, slice) => {
        expect(await stringifyInSlices(value, slice)).toBe(JSON.stringify(value));
      }),
    );
  });

  it('leaves out or nulls what has no JSON, as JSON.stringify does', async () => {
    const value = { a: undefined, b: [undefined, () => 1, 2], c: () => 1, d: new Date(0), e: { f: null } };
    expect(await stringifyInSlices(value, 1)).toBe(JSON.stringify(value));
  });

  it('lets the event loop run between slices of a large array', async () => {
    const value = { work: { purges: Array.from({ length: 10_000 }, (_, id) => ({ id, status: 'completed' })) } };
    let done = false;
    const encoding = stringifyInSlices(value, 100).then((json) => ((done = true), json));
    // Queued now, this runs before the encoding is done only if the encoder gives the loop a turn.
    const doneWhenTheLoopRan = await new Promise<boolean>((resolve) => setImmediate(() => resolve(done)));
    expect(doneWhenTheLoopRan).toBe(false);
    expect(await encoding).toBe(JSON.stringify(value));
  });
});
