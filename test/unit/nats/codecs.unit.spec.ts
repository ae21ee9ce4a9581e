import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { batchSchema, foreignTo, streamOfSubject } from '../../../src/adapters/nats/codecs/event-batch-codec.js';
import { registryEntrySchema, workItemEventSchema } from '../../../src/adapters/nats/codecs/domain-schemas.js';
import { StoredValueDecoder } from '../../../src/adapters/nats/codecs/stored-value-decoder.js';
import { proof, type Decodes } from '../../../src/adapters/nats/codecs/type-proof.js';
import { CountingQuarantine } from '../../../src/adapters/system/counting-quarantine.js';
import type { RejectedValue } from '../../../src/ports/index.js';

interface Domain {
  readonly id: string;
  readonly note?: string;
}

describe('codecs of values read back from NATS', () => {
  it('compile only when a schema decodes exactly its domain type (this file type-checks with tsconfig.test.json)', () => {
    proof<Decodes<typeof exact, Domain>>();
    // @ts-expect-error a schema that misses an optional field would strip it silently
    proof<Decodes<MissesOptional, Domain>>();
    // @ts-expect-error a schema that types a field differently
    proof<Decodes<WrongType, Domain>>();
    // @ts-expect-error a schema that makes an optional field required
    proof<Decodes<TooStrict, Domain>>();
    expect(exact.parse({ id: 'a', note: 'n' })).toEqual({ id: 'a', note: 'n' });
  });

  it('decodes a good value, and reports non-JSON and wrong shapes once each, with where they were', () => {
    const reports: RejectedValue[] = [];
    const quarantine = new CountingQuarantine((r) => reports.push(r));
    const decoder = new StoredValueDecoder(quarantine);
    const at = (sequence: number) => ({ source: 'WARP_EV_p', subject: 'warp.ev.p.work.w-1', sequence });
    const discarded = { type: 'WorkDiscarded', v: 1, at: 5 };
    expect(decoder.decode(workItemEventSchema, JSON.stringify(discarded), at(1))).toEqual(discarded);
    expect(decoder.decode(workItemEventSchema, 'not {json', at(2))).toBeUndefined();
    expect(
      decoder.decode(workItemEventSchema, new TextEncoder().encode('{"type":"WorkOffered","v":1,"spec":null}'), at(3)),
    ).toBeUndefined();
    expect(decoder.decode(workItemEventSchema, 'not {json', at(2))).toBeUndefined();
    expect(reports.map(({ sequence, reason }) => ({ sequence, reason }))).toEqual([
      { sequence: 2, reason: 'not JSON' },
      { sequence: 3, reason: expect.stringMatching(/^spec: .*; maxAttempts: /) },
    ]);
    expect(quarantine.counts()).toEqual({ WARP_EV_p: 2 });
  });

  it('tells values without a sequence apart by their bytes', () => {
    const quarantine = new CountingQuarantine();
    const decoder = new StoredValueDecoder(quarantine);
    const notice = { source: 'warp.notify', subject: 'warp.notify.dm.g' };
    decoder.decode(registryEntrySchema, 'junk', notice);
    decoder.decode(registryEntrySchema, 'junk', notice);
    decoder.decode(registryEntrySchema, 'other junk', notice);
    expect(quarantine.counts()).toEqual({ 'warp.notify': 2 });
  });

  it('holds subject tokens, numbers and batches to what Warp writes', () => {
    const offer = { type: 'WorkOffered', v: 1, maxAttempts: 3, at: 1 };
    const spec = {
      id: 'w-1',
      taskId: 't',
      description: 'd',
      capability: 'ts',
      priority: 1,
      offeredBy: 'b',
      namespace: 'p',
    };
    expect(workItemEventSchema.safeParse({ ...offer, spec }).success).toBe(true);
    expect(workItemEventSchema.safeParse({ ...offer, spec: { ...spec, capability: '>' } }).success).toBe(false);
    expect(workItemEventSchema.safeParse({ ...offer, spec: { ...spec, id: 'a.b' } }).success).toBe(false);
    expect(workItemEventSchema.safeParse({ ...offer, spec, at: Number.POSITIVE_INFINITY }).success).toBe(false);
    // An offer carries its policy from v2 on (ADR 0035); v1, stored before, is still read.
    const policy = { leaseMs: 1_000, maxAttempts: 1, dlqTtlMs: 2_000 };
    expect(workItemEventSchema.safeParse({ type: 'WorkOffered', v: 2, spec, policy, at: 1 }).success).toBe(true);
    expect(workItemEventSchema.safeParse({ ...offer, v: 2, spec }).success).toBe(false);
    expect(
      workItemEventSchema.safeParse({ type: 'WorkOffered', v: 2, spec, policy: { leaseMs: 1 }, at: 1 }).success,
    ).toBe(false);
    expect(workItemEventSchema.safeParse({ ...offer, v: 3, spec, policy }).success).toBe(false);
    expect(batchSchema('work').safeParse({ events: [] }).success).toBe(false);
    expect(batchSchema('agent').safeParse({ events: [{ type: 'WorkDiscarded', v: 1, at: 1 }] }).success).toBe(false);
  });

  it('holds the reservation book to what the decider writes', () => {
    const holder = { guid: 'g-1', handle: 'alice', session: 's-1' };
    const grant = { pattern: 'src/app/**', exclusive: true, expiresAt: 10 };
    const reserved = { type: 'PathsReserved', v: 1, holder, reservations: [grant], at: 1 };
    expect(batchSchema('reservation').safeParse({ events: [reserved] }).success).toBe(true);
    for (const bad of [
      { ...reserved, holder: { ...holder, handle: 'Alice.*' } },
      { ...reserved, reservations: [{ ...grant, exclusive: 'yes' }] },
      { ...reserved, reservations: [{ ...grant, pattern: 'x'.repeat(257) }] },
      { type: 'ReservationsEnded', v: 1, ended: [], why: 'because', at: 1 },
    ])
      expect(batchSchema('reservation').safeParse({ events: [bad] }).success).toBe(false);
    expect(streamOfSubject('warp.ev.proj.reservation.book')).toEqual({
      namespace: 'proj',
      kind: 'reservation',
      id: 'book',
    });
  });

  it('names the aggregate of a subject only when Warp could have written it', () => {
    expect(streamOfSubject('warp.ev.proj.work.w-1')).toEqual({ namespace: 'proj', kind: 'work', id: 'w-1' });
    expect(streamOfSubject('warp.ev.proj.work.W_1')).toBeUndefined();
    expect(streamOfSubject('warp.ev.proj.work.w-1.more')).toBeUndefined();
    expect(streamOfSubject('warp.ev.proj.queue.w-1')).toBeUndefined();
  });

  it('finds events that name another aggregate than the stream they are stored in', () => {
    const stream = { namespace: 'proj', kind: 'work' as const, id: 'w-1' };
    const spec = {
      id: 'w-2',
      taskId: 't',
      description: 'd',
      capability: 'ts',
      priority: 1,
      offeredBy: 'b',
      namespace: 'proj',
    };
    expect(foreignTo(stream, { type: 'WorkOffered', v: 1, spec, maxAttempts: 1, at: 1 })).toBe(
      'WorkOffered names item w-2, but is stored under w-1',
    );
    expect(
      foreignTo(stream, { type: 'WorkOffered', v: 1, spec: { ...spec, id: 'w-1' }, maxAttempts: 1, at: 1 }),
    ).toBeUndefined();
  });
});

const exact = z.object({ id: z.string(), note: z.string().optional() });
type MissesOptional = z.ZodObject<{ id: z.ZodString }>;
type WrongType = z.ZodObject<{ id: z.ZodNumber; note: z.ZodOptional<z.ZodString> }>;
type TooStrict = z.ZodObject<{ id: z.ZodString; note: z.ZodString }>;
