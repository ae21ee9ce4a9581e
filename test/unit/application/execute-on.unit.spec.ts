import { describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../../src/adapters/memory/memory-event-store.js';
import { CountingQuarantine } from '../../../src/adapters/system/counting-quarantine.js';
import { executeOn } from '../../../src/application/shared/execute.js';
import { WorkIndex } from '../../../src/application/work/work-index.js';
import { DomainError, type WorkItemEvent } from '../../../src/domain/index.js';

const stream = { namespace: 'proj', kind: 'work' as const, id: 'w-1' };
const spec = {
  id: 'w-1',
  taskId: 't-1',
  description: 'Fix the bug',
  capability: 'ts',
  priority: 5,
  offeredBy: 'boss',
  namespace: 'proj',
};
const offered: WorkItemEvent = { type: 'WorkOffered', v: 1, spec, maxAttempts: 3, at: 0 };
const policy = { leaseMs: 100, maxAttempts: 3, dlqTtlMs: 100 };

describe('executeOn (a command run through a read model)', () => {
  it("shows the writer's own change in the model at once, and its observers see it", async () => {
    const quarantine = new CountingQuarantine();
    const store = { events: new MemoryEventStore(), quarantine };
    const index = new WorkIndex(quarantine);
    const seen: string[] = [];
    index.observe((batch) => seen.push(...batch.events.map((e) => e.type)));
    await executeOn(store, index, stream, { type: 'OfferWork', spec, policy, now: 0 });
    await executeOn(store, index, stream, { type: 'ClaimWork', holder: 'a1', leaseMs: 100, dlqTtlMs: 100, now: 1 });
    expect(index.get('w-1')).toMatchObject({ revision: 2, state: { status: 'claimed', holder: 'a1' } });
    expect(seen).toEqual(['WorkOffered', 'WorkClaimed']);
  });

  it('given a model behind the store, a command that changes nothing still brings the model up to date', async () => {
    const quarantine = new CountingQuarantine();
    const events = new MemoryEventStore();
    await events.append(stream, [offered], 0);
    await events.append(stream, [{ type: 'WorkClaimed', v: 1, holder: 'a1', attempt: 1, leaseUntil: 100, at: 1 }], 1);
    await events.append(stream, [{ type: 'WorkCompleted', v: 1, holder: 'a1', at: 2 }], 2);
    const index = new WorkIndex(quarantine);
    const outcome = await executeOn({ events, quarantine }, index, stream, {
      type: 'CompleteWork',
      holder: 'a1',
      now: 3,
    });
    expect(outcome.events).toEqual([]);
    expect(index.get('w-1')).toMatchObject({ revision: 3, state: { status: 'completed', completedBy: 'a1' } });
  });

  it('given a model that missed a change, a command the stored state refuses still repairs the model', async () => {
    const quarantine = new CountingQuarantine();
    const events = new MemoryEventStore();
    const claimed: WorkItemEvent = { type: 'WorkClaimed', v: 1, holder: 'a1', attempt: 1, leaseUntil: 100, at: 1 };
    await events.append(stream, [offered], 0);
    await events.append(stream, [claimed], 1);
    await events.append(stream, [{ type: 'WorkCompleted', v: 1, holder: 'a1', at: 2 }], 2);
    // The model never got the completion (a feed that skipped it): it lists the item as claimed.
    const index = new WorkIndex(quarantine);
    index.apply({ stream, revision: 1, events: [offered] });
    index.apply({ stream, revision: 2, events: [claimed] });
    // Another agent's claim is refused on the model's state, and again on the stored one.
    const claiming = executeOn({ events, quarantine }, index, stream, {
      type: 'ClaimWork',
      holder: 'a2',
      leaseMs: 100,
      dlqTtlMs: 100,
      now: 50,
    });
    await expect(claiming).rejects.toBeInstanceOf(DomainError);
    expect(index.get('w-1')).toMatchObject({ revision: 3, state: { status: 'completed' } });
    expect(index.live((s) => s.status === 'claimed')).toEqual([]);
  });
});

/** An event store whose appends may be deferred (as a hub's request is): the test settles each. */
class DeferringStore extends MemoryEventStore {
  readonly waiting: Array<{ settle(stored: boolean): Promise<void> }> = [];

  appendDeferred<E>(
    target: typeof stream,
    events: readonly E[],
    expectedRevision: number,
    settled: (revision: number | undefined) => void,
  ): boolean {
    this.waiting.push({
      settle: async (stored) => settled(stored ? await this.append(target, events, expectedRevision) : undefined),
    });
    return true;
  }
}

describe('executeOn with a deferred append (ADR 0026)', () => {
  const claim = { type: 'ClaimWork', holder: 'a1', leaseMs: 100, dlqTtlMs: 100, now: 1 } as const;

  /** An offered item, stored and in the index, with a claim of it deferred and not yet settled. */
  async function claimInFlight() {
    const quarantine = new CountingQuarantine();
    const events = new DeferringStore();
    await events.append(stream, [offered], 0);
    const index = new WorkIndex(quarantine);
    index.apply({ stream, revision: 1, events: [offered] });
    await executeOn({ events, quarantine }, index, stream, claim);
    return { quarantine, events, index };
  }

  it('decides at once, holds the aggregate until the store answers, then shows the stored change', async () => {
    const quarantine = new CountingQuarantine();
    const events = new DeferringStore();
    const index = new WorkIndex(quarantine);
    const outcome = await executeOn({ events, quarantine }, index, stream, {
      type: 'OfferWork',
      spec,
      policy,
      now: 0,
    });
    expect(outcome).toMatchObject({ deferred: true, state: { status: 'offered' } });
    expect([index.get('w-1'), index.isHeld('w-1'), [...index.claimable('ts', 1)]]).toEqual([undefined, true, []]);
    await events.waiting.shift()!.settle(true);
    expect(index.get('w-1')).toMatchObject({ revision: 1, state: { status: 'offered' } });
    expect(index.isHeld('w-1')).toBe(false);
    expect([...index.claimable('ts', 1)].map((e) => e.state.status)).toEqual(['offered']);
  });

  it('stores at once the changes its caller says may not be deferred (they do not end the request)', async () => {
    const quarantine = new CountingQuarantine();
    const events = new DeferringStore();
    const index = new WorkIndex(quarantine);
    const outcome = await executeOn(
      { events, quarantine },
      index,
      stream,
      { type: 'OfferWork', spec, policy, now: 0 },
      () => false,
    );
    expect(outcome.deferred).toBeUndefined();
    expect([events.waiting.length, index.isHeld('w-1'), index.get('w-1')?.revision]).toEqual([0, false, 1]);
  });

  it('a claim in flight keeps other claims off its item; refused, the item is free again and waiters look again', async () => {
    const { events, index } = await claimInFlight();
    expect([...index.claimable('ts', 1)]).toEqual([]);
    const woken = index.changed();
    await events.waiting.shift()!.settle(false);
    await woken;
    expect(index.get('w-1')).toMatchObject({ revision: 1, state: { status: 'offered' } });
    expect([...index.claimable('ts', 1)].map((e) => e.state.spec.id)).toEqual(['w-1']);
    expect(await events.read(stream)).toMatchObject({ revision: 1 });
  });

  it('a deferred offer stored but never seen settled reaches the model all the same: it reads the item back', async () => {
    const quarantine = new CountingQuarantine();
    const events = new DeferringStore();
    const index = new WorkIndex(quarantine);
    await executeOn({ events, quarantine }, index, stream, { type: 'OfferWork', spec, policy, now: 0 });
    // Stored, but the feed that would have shown it skipped it: it settles unseen.
    await events.append(stream, [offered], 0);
    await events.waiting.shift()!.settle(false);
    // The read back is on the (memory) store: done once pending promises are.
    await new Promise((resolve) => setImmediate(resolve));
    expect(index.get('w-1')).toMatchObject({ revision: 1, state: { status: 'offered' } });
    expect([...index.claimable('ts', 1)].map((e) => e.state.spec.id)).toEqual(['w-1']);
  });

  it('a command on an item with a change in flight is decided once that settles, on the stored state', async () => {
    const { quarantine, events, index } = await claimInFlight();
    let completed = false;
    const completing = executeOn({ events, quarantine }, index, stream, {
      type: 'CompleteWork',
      holder: 'a1',
      now: 2,
    }).then((outcome) => ((completed = true), outcome));
    // Not decided on the offered state it holds now (that would fail, or read the store).
    await Promise.resolve();
    expect([completed, events.waiting.length]).toEqual([false, 1]);
    await events.waiting.shift()!.settle(true);
    expect(await completing).toMatchObject({ deferred: true, state: { status: 'completed' } });
    await events.waiting.shift()!.settle(true);
    expect(index.get('w-1')).toMatchObject({ revision: 3, state: { status: 'completed' } });
  });

  it('a read waits for the changes in flight when it starts, so it sees what its caller was told is stored', async () => {
    const index = new WorkIndex(new CountingQuarantine());
    index.hold('w-1');
    index.hold('w-2');
    let read = false;
    const reading = index.settled().then(() => (read = true));
    index.release('w-1');
    await Promise.resolve();
    expect(read).toBe(false);
    index.release('w-2');
    await reading;
    expect(read).toBe(true);
  });

  it('an item with two changes in flight stays held until both settle', () => {
    const index = new WorkIndex(new CountingQuarantine());
    index.hold('w-1');
    index.hold('w-1');
    index.release('w-1');
    expect(index.isHeld('w-1')).toBe(true);
    index.release('w-1');
    index.release('w-1');
    expect(index.isHeld('w-1')).toBe(false);
  });

  it('a held claim is not a lease a waiting claim wakes for (its release wakes them)', () => {
    const index = new WorkIndex(new CountingQuarantine());
    index.apply({ stream, revision: 1, events: [offered] });
    index.apply({
      stream,
      revision: 2,
      events: [{ type: 'WorkClaimed', v: 1, holder: 'a1', attempt: 1, leaseUntil: 100, at: 1 }],
    });
    expect(index.nextLeaseExpiry('ts')).toBe(100);
    index.hold('w-1');
    expect(index.nextLeaseExpiry('ts')).toBeUndefined();
    index.release('w-1');
    expect(index.nextLeaseExpiry('ts')).toBe(100);
  });
});
