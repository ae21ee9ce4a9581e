import { describe, expect, it } from 'vitest';
import type { RegistryEntry } from '../../src/ports/index.js';
import type { PortsFixture } from './ports.js';

let guids = 0;
const freshGuid = (): string => `1111${process.pid}-0000-4000-8000-${String(++guids).padStart(12, '0')}`;
const entry = (guid: string): RegistryEntry => ({
  profile: {
    guid: guid as RegistryEntry['profile']['guid'],
    handle: 'alice',
    agentType: 'dev',
    capabilities: ['ts'],
    scope: 'project',
    visibility: 'project-only',
    namespace: 'proj',
    hostname: 'host',
    username: 'user',
  },
  presence: 'online',
  currentTaskCount: 0,
  registeredAt: 1,
  updatedAt: 1,
  lastHeartbeat: 1,
  deregistered: false,
});

/** The RegistryStore port: entries by guid, compare-and-set updates that never lose a write. */
export function registryStoreContract(fixture: PortsFixture): void {
  const registry = () => fixture.ports().registry;

  describe('RegistryStore', () => {
    it('has no entry for an unknown guid; update creates one that get and list return', async () => {
      const guid = freshGuid();
      expect(await registry().get(guid)).toBeUndefined();
      expect(await registry().update(guid, (current) => current ?? entry(guid))).toEqual(entry(guid));
      expect(await registry().get(guid)).toEqual(entry(guid));
      expect((await registry().list()).map((e) => e.profile.guid)).toContain(guid);
    });

    it('changes nothing when the mutation returns undefined', async () => {
      const guid = freshGuid();
      await registry().update(guid, () => entry(guid));
      expect(await registry().update(guid, () => undefined)).toBeUndefined();
      expect(await registry().get(guid)).toEqual(entry(guid));
    });

    it('loses no write among 20 concurrent updates of one entry', async () => {
      const guid = freshGuid();
      await registry().update(guid, () => entry(guid));
      await Promise.all(
        Array.from({ length: 20 }, () =>
          registry().update(guid, (e) => e && { ...e, currentTaskCount: e.currentTaskCount + 1 }),
        ),
      );
      expect((await registry().get(guid))?.currentTaskCount).toBe(20);
    });
  });
}
