import { describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../../src/adapters/memory/memory-event-store.js';
import { CountingQuarantine } from '../../../src/adapters/system/counting-quarantine.js';
import { executeOn } from '../../../src/application/shared/execute.js';
import { WorkIndex } from '../../../src/application/work/work-index.js';
import type { WorkItemEvent } from '../../../src/domain/index.js';

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

describe('executeOn (a command run through a read model)', () => {
  it("shows the writer's own change in the model at once, and its observers see it", async () => {
    const quarantine = new CountingQuarantine();
    const store = { events: new MemoryEventStore(), quarantine };
    const index = new WorkIndex(quarantine);
    const seen: string[] = [];
    index.observe((batch) => seen.push(...batch.events.map((e) => e.type)));
    await executeOn(store, index, stream, { type: 'OfferWork', spec, maxAttempts: 3, now: 0 });
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
});
