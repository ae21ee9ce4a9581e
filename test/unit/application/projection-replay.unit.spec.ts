import { describe, expect, it } from 'vitest';
import { CountingQuarantine } from '../../../src/adapters/system/counting-quarantine.js';
import { WorkIndex } from '../../../src/application/work/work-index.js';
import type { WorkItemEvent } from '../../../src/domain/index.js';
import type { RejectedValue, StoredBatch } from '../../../src/ports/index.js';

const stream = { namespace: 'proj', kind: 'work' as const, id: 'w-1' };
const spec = {
  id: 'w-1',
  taskId: 't',
  description: 'd',
  capability: 'ts',
  priority: 5,
  offeredBy: 'boss',
  namespace: 'proj',
};
const offered: WorkItemEvent = { type: 'WorkOffered', v: 1, spec, maxAttempts: 3, at: 0 };
const discarded: WorkItemEvent = { type: 'WorkDiscarded', v: 1, at: 1 };

describe('a projection fed stored batches', () => {
  it('skips what replay rejects, reports it once with its revision, and shows observers only what it applied', () => {
    const reports: RejectedValue[] = [];
    const index = new WorkIndex(new CountingQuarantine((r) => reports.push(r)));
    const observed: Array<StoredBatch<WorkItemEvent>> = [];
    index.observe((batch) => observed.push(batch));
    index.apply({ stream, revision: 1, events: [offered] });
    // A second offer (it would reset the item) and a discard of an item that is not dead-lettered.
    index.apply({ stream, revision: 2, events: [offered, discarded] });
    expect(index.get('w-1')).toMatchObject({ revision: 2, state: { status: 'offered', offeredAt: 0 } });
    expect(observed.map((b) => b.events)).toEqual([[offered], []]);
    expect(reports).toEqual([
      expect.objectContaining({
        source: 'replay',
        subject: 'proj.work.w-1',
        sequence: 2,
        reason: 'WorkOffered cannot follow a work item that is offered',
      }),
      expect.objectContaining({ reason: 'WorkDiscarded cannot follow a work item that is offered' }),
    ]);
  });
});
