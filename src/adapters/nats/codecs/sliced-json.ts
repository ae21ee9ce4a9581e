import { setImmediate as nextTurn } from 'node:timers/promises';

/** Array elements encoded between two turns of the event loop: about a millisecond's work. */
const SLICE = 1_000;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  [Object.prototype, null].includes(Object.getPrototypeOf(value) as object | null);

/**
 * `JSON.stringify(value)`, built a slice at a time: after every `slice` array elements it lets the
 * event loop run. A checkpoint of a few hundred thousand items is tens of MB of JSON, which took a
 * hub 200 ms in one piece. Array elements are encoded whole, so the slices are only as fine as the
 * arrays in `value`. Nothing in `value` may change meanwhile: a read model's states are replaced,
 * never changed in place, so what a model `saved()` at one moment is what gets encoded.
 */
export async function stringifyInSlices(value: unknown, slice = SLICE): Promise<string> {
  const parts: string[] = [];
  let sinceTurn = 0;
  const write = async (v: unknown): Promise<void> => {
    if (Array.isArray(v)) {
      parts.push('[');
      for (let i = 0; i < v.length; i++) {
        if (i > 0) parts.push(',');
        // As JSON.stringify does: what has no JSON (undefined, a function) is null in an array.
        parts.push((JSON.stringify(v[i]) as string | undefined) ?? 'null');
        if (++sinceTurn >= slice) {
          sinceTurn = 0;
          await nextTurn();
        }
      }
      parts.push(']');
    } else if (isPlainObject(v)) {
      parts.push('{');
      let first = true;
      for (const [key, field] of Object.entries(v)) {
        // ... and a property whose value has none is left out.
        if (field === undefined || typeof field === 'function' || typeof field === 'symbol') continue;
        parts.push(`${first ? '' : ','}${JSON.stringify(key)}:`);
        first = false;
        await write(field);
      }
      parts.push('}');
    } else parts.push((JSON.stringify(v) as string | undefined) ?? 'null');
  };
  await write(value);
  return parts.join('');
}
