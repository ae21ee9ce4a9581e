import type { z } from 'zod';
import type { JsonValue } from '../../../domain/index.js';

/**
 * Compile-time proof that a decoder yields exactly a domain type: `Decodes<typeof schema, Domain>`
 * is `true` only when both have the same keys (optional ones included) with the same types, so a
 * field added to the domain that its schema misses fails the build instead of being stripped.
 */
export type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/**
 * The domain declares its data readonly; zod outputs mutable data. Primitives (and branded ids)
 * stay as they are, and so does the recursive JsonValue (expanding it would never end).
 */
export type Mutable<T> = [T] extends [JsonValue] ? ([JsonValue] extends [T] ? T : MutableEach<T>) : MutableEach<T>;
type MutableEach<T> = T extends string | number | boolean | null | undefined
  ? T
  : T extends ReadonlyArray<infer U>
    ? Mutable<U>[]
    : { -readonly [K in keyof T]: Mutable<T[K]> };

/** `true` when `Schema` decodes exactly `T` (both sides normalised alike, so only real differences count). */
export type Decodes<Schema extends z.ZodType, T> = Same<Mutable<T>, Mutable<z.output<Schema>>>;

/** Accepts only `true`: `proof<Same<A, B>>()` does not compile when A and B differ. */
export const proof = <T extends true>(): T | undefined => undefined;
