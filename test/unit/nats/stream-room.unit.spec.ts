import { DiscardPolicy } from '@nats-io/jetstream';
import { headers } from '@nats-io/nats-core';
import { describe, expect, it } from 'vitest';
import { headerBytes, recordBytes, refusingLimit, StreamRoom } from '../../../src/adapters/nats/stream-room.js';

describe('StreamRoom: what a stream with a byte limit can still take, never overstated', () => {
  it('takes each write from the room; one that does not fit whole is not let through', () => {
    const room = new StreamRoom(16_384, 14_364, 7);
    expect(room.fits(2_020)).toBe(true);
    expect(room.fits(2_021)).toBe(false);
    room.take(1_000);
    expect(room.fits(1_021)).toBe(false);
  });

  it("counts what the feed delivers after the server's count, not what the count holds already", () => {
    const room = new StreamRoom(10_000, 4_000, 7);
    room.seen(7, 3_000);
    expect(room.fits(6_000)).toBe(true);
    room.seen(8, 3_000);
    expect(room.fits(3_001)).toBe(false);
  });

  it('a new count keeps what may be stored after it: writes in flight when it began and anything taken meanwhile', () => {
    const room = new StreamRoom(10_000, 0, 0);
    const early = room.take(1_000); // sent before the count, outcome unknown
    const done = room.take(500);
    done(); // stored before the count: the server's count holds it
    const counted = room.refreshing();
    room.take(2_000); // sent while counting
    room.seen(9, 700); // delivered while counting, perhaps after the server counted
    early(); // its outcome came during the count: it may have been stored after it
    counted(10_000, 500, 3);
    expect(room.fits(10_000 - 500 - 1_000 - 2_000 - 700)).toBe(true);
    expect(room.fits(10_000 - 500 - 1_000 - 2_000 - 700 + 1)).toBe(false);
    // The next count no longer carries what has settled since.
    room.refreshing()(10_000, 4_200, 12);
    expect(room.fits(10_000 - 4_200 - 2_000)).toBe(true);
    expect(room.fits(10_000 - 4_200)).toBe(false);
  });

  it('only a discard-new stream with a byte limit has a room to keep to', () => {
    expect(refusingLimit({ discard: DiscardPolicy.New, max_bytes: 16_384 })).toBe(16_384);
    expect(refusingLimit({ discard: DiscardPolicy.Old, max_bytes: 16_384 })).toBeUndefined();
    expect(refusingLimit({ discard: DiscardPolicy.New, max_bytes: -1 })).toBeUndefined();
  });

  it('counts headers as the client writes them, and a record as the file store does', () => {
    const h = headers();
    h.set('Nats-Msg-Id', 'warp.ev.p.work.w-1:5f0c');
    h.set('Nats-Expected-Last-Subject-Sequence', '0');
    expect(headerBytes(h)).toBe(Buffer.byteLength(String(h)));
    expect(headerBytes(undefined)).toBe(0);
    expect(recordBytes('a.b', 0, 10)).toBe(22 + 3 + 10 + 8);
    expect(recordBytes('a.b', 40, 10)).toBe(22 + 3 + 4 + 40 + 10 + 8);
  });
});
