import { describe, expect, it } from 'vitest';
import { OfferQueue, type OfferedItem } from '../../../src/application/work/offer-queue.js';
import type { WorkItemState } from '../../../src/domain/index.js';

const offered = (id: string, priority: number, offeredAt: number): OfferedItem =>
  ({
    status: 'offered',
    spec: { id, taskId: id, description: id, capability: 'ts', priority, offeredBy: 'boss', namespace: 'p' },
    offeredAt,
  }) as unknown as OfferedItem;

describe('OfferQueue', () => {
  it('takes the highest priority first, then the oldest, then the first filed, skipping what changed since', () => {
    const index = new Map<string, WorkItemState>();
    const queue = new OfferQueue((id) => index.get(id));
    const file = (state: OfferedItem, seen: number) => {
      index.set(state.spec.id, state);
      queue.file(state.spec.id, state, seen);
    };
    file(offered('low', 1, 0), 0);
    file(offered('late', 9, 20), 1);
    file(offered('early-b', 9, 10), 3);
    file(offered('early-a', 9, 10), 2);
    file(offered('gone', 9, 0), 4);
    index.delete('gone');
    const order: string[] = [];
    for (let f = queue.take(); f; f = queue.take()) order.push(f.id);
    expect(order).toEqual(['early-a', 'early-b', 'late', 'low']);
  });

  it('drops stale filings as they pile up, and what is taken and put back is taken again', () => {
    const index = new Map<string, WorkItemState>();
    const queue = new OfferQueue((id) => index.get(id));
    for (let i = 0; i < 1_000; i++) {
      const state = offered(`w-${i}`, 5, i);
      index.set(state.spec.id, state);
      queue.file(state.spec.id, state, i);
      // All but every hundredth is claimed at once: its filing goes stale.
      if (i % 100 !== 0) index.delete(state.spec.id);
    }
    const first = queue.take()!;
    queue.restore(first);
    const order: string[] = [];
    for (let f = queue.take(); f; f = queue.take()) order.push(f.id);
    expect(order).toEqual(Array.from({ length: 10 }, (_, k) => `w-${k * 100}`));
    expect(queue.empty).toBe(true);
  });
});
