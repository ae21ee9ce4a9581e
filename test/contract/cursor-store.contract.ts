import { describe, expect, it } from 'vitest';
import { freshNamespace, type PortsFixture } from './ports.js';

const GUID = '22222222-0000-4000-8000-000000000001';

/** The CursorStore port: per agent and channel, a read position that only moves forward. */
export function cursorStoreContract(fixture: PortsFixture): void {
  const cursors = () => fixture.ports().cursors;

  describe('CursorStore', () => {
    it('starts at 0 and only moves forward', async () => {
      const ns = freshNamespace();
      expect(await cursors().get(ns, GUID, 'roadmap')).toBe(0);
      await cursors().advance(ns, GUID, 'roadmap', 7);
      await cursors().advance(ns, GUID, 'roadmap', 3);
      expect(await cursors().get(ns, GUID, 'roadmap')).toBe(7);
    });

    it('keeps channels and namespaces apart', async () => {
      const [ns, other] = [freshNamespace(), freshNamespace()];
      await cursors().advance(ns, GUID, 'roadmap', 5);
      expect(await cursors().get(ns, GUID, 'errors')).toBe(0);
      expect(await cursors().get(other, GUID, 'roadmap')).toBe(0);
    });

    it('ends at the furthest of concurrent advances', async () => {
      const ns = freshNamespace();
      await Promise.all([4, 9, 2, 6].map((n) => cursors().advance(ns, GUID, 'roadmap', n)));
      expect(await cursors().get(ns, GUID, 'roadmap')).toBe(9);
    });
  });
}
