import { describe, expect, it } from 'vitest';
import { RecentWindow } from '../../../src/application/work/recent-window.js';
import type { FinishedWorkItem } from '../../../src/domain/index.js';

const finished = (id: string, capability: string, status: FinishedWorkItem['status']): FinishedWorkItem =>
  ({
    status,
    spec: { id, taskId: id, description: id, capability, priority: 5, offeredBy: 'boss', namespace: 'proj' },
  }) as FinishedWorkItem;

const counts = (window: RecentWindow) => Object.fromEntries(window.finishedCounts());

describe('the window of recently finished work keeps its counts with what it holds', () => {
  it('counts each item once by capability and status, however often it is added', () => {
    const window = new RecentWindow(10);
    window.add('a', { state: finished('a', 'ts', 'completed'), revision: 1 });
    window.add('a', { state: finished('a', 'ts', 'completed'), revision: 2 });
    window.add('b', { state: finished('b', 'ts', 'dead-lettered'), revision: 3 });
    window.add('c', { state: finished('c', 'py', 'discarded'), revision: 4 });
    expect(counts(window)).toEqual({
      ts: { completed: 1, deadLettered: 1, discarded: 0 },
      py: { completed: 0, deadLettered: 0, discarded: 1 },
    });
    expect(Object.fromEntries(window.finishedCounts('py'))).toEqual({
      py: { completed: 0, deadLettered: 0, discarded: 1 },
    });
    expect(window.finishedCounts('go').size).toBe(0);
  });

  it('drops the oldest beyond its limit, and what is deleted, from its counts too', () => {
    const window = new RecentWindow(2);
    window.add('a', { state: finished('a', 'ts', 'completed'), revision: 1 });
    window.add('b', { state: finished('b', 'ts', 'completed'), revision: 2 });
    window.add('c', { state: finished('c', 'py', 'completed'), revision: 3 });
    expect(window.get('a')).toBeUndefined();
    expect(counts(window)).toEqual({
      ts: { completed: 1, deadLettered: 0, discarded: 0 },
      py: { completed: 1, deadLettered: 0, discarded: 0 },
    });
    window.delete('b');
    window.delete('b');
    expect(counts(window)).toEqual({ py: { completed: 1, deadLettered: 0, discarded: 0 } });
    expect(window.saved().map((s) => s.id)).toEqual(['c']);
  });
});
