import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HubOwners, LettingGo, addressedSubject, unaddressed } from '../../../src/adapters/hub/hub-owners.js';

const ownerSeenBy = (self: string, peers: string[], namespace: string): string => {
  const owners = new HubOwners(self);
  owners.update(peers);
  return owners.elsewhere(namespace) ?? self;
};

describe('HubOwners', () => {
  it('every hub names the same owner for a namespace, whichever hub asks', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[A-Z0-9]{4,8}$/), { minLength: 1, maxLength: 5 }),
        fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
        (hubs, namespace) => {
          const seen = hubs.map((self) => ownerSeenBy(self, hubs, namespace));
          expect(new Set(seen).size).toBe(1);
          expect(hubs).toContain(seen[0]);
        },
      ),
    );
  });

  it('a hub leaving moves only the namespaces it decided', () => {
    const hubs = ['HUBA', 'HUBB', 'HUBC'];
    const namespaces = Array.from({ length: 200 }, (_, i) => `project-${i}`);
    const before = new Map(namespaces.map((ns) => [ns, ownerSeenBy('HUBA', hubs, ns)]));
    const after = new Map(namespaces.map((ns) => [ns, ownerSeenBy('HUBA', ['HUBA', 'HUBB'], ns)]));
    for (const ns of namespaces) if (before.get(ns) !== 'HUBC') expect(after.get(ns)).toBe(before.get(ns));
    // Spread over all three, not piled on one.
    for (const hub of hubs) expect([...before.values()].filter((h) => h === hub).length).toBeGreaterThan(30);
  });

  it('alone, a hub decides everything itself', () => {
    expect(new HubOwners('HUBA').elsewhere('any')).toBeUndefined();
  });

  it('a forwarded subject names the request it stands for', () => {
    expect(unaddressed('fwd', addressedSubject('fwd', 'HUBB', 'claimWork', 'team', 'guid-1'))).toEqual({
      op: 'claimWork',
      subject: 'warp.hub.claimWork.team.guid-1',
    });
    expect(unaddressed('fwd', 'warp.hub.claimWork.team.guid-1')).toBeUndefined();
  });

  it('a subject addressed to one hub by a session names the request it stands for, and is not a forward', () => {
    const subject = addressedSubject('to', 'HUBB', 'listWork', 'team', 'session-1');
    expect(unaddressed('to', subject)).toEqual({ op: 'listWork', subject: 'warp.hub.listWork.team.session-1' });
    expect(unaddressed('fwd', subject)).toBeUndefined();
    expect(() => addressedSubject('to', 'HUB.B', 'listWork', 'team', 'session-1')).toThrow();
  });
});

describe('LettingGo: the read models of projects another hub now decides', () => {
  it('lets a project go once it has been another hub’s for the grace, and keeps one owned again', () => {
    const lettingGo = new LettingGo(60_000);
    const kept = new Set(['a', 'b', 'c']);
    let elsewhere = new Set(['a', 'b']);
    const due = (now: number): string[] => {
      const gone = lettingGo.due(kept, (ns) => elsewhere.has(ns), now);
      for (const ns of gone) kept.delete(ns);
      return gone;
    };
    expect(due(0)).toEqual([]);
    // b comes back before its grace is over: its clock starts again should it move once more.
    elsewhere = new Set(['a']);
    expect(due(30_000)).toEqual([]);
    expect(due(59_999)).toEqual([]);
    expect(due(60_000)).toEqual(['a']);
    elsewhere = new Set(['b']);
    expect(due(90_000)).toEqual([]);
    expect(due(149_999)).toEqual([]);
    expect(due(150_000)).toEqual(['b']);
    expect([...kept]).toEqual(['c']);
  });
});
