import { afterEach, describe, expect, it } from 'vitest';
import { createSessionDeps, createWarpApp, goOffline, Session, type WarpApp } from '../../../src/application/index.js';
import { CryptoIds } from '../../../src/adapters/system/crypto-ids.js';
import { RESERVATION_TTL_S, ValidationError } from '../../../src/domain/index.js';
import { createFleet, testSettings } from '../../support/memory-fleet.js';

/** Reservations through the use cases on one memory backend and a virtual clock. */
describe('path reservations (use cases, memory backend)', () => {
  let fleet = createFleet();
  afterEach(async () => {
    await fleet.close();
    fleet = createFleet();
  });

  const agent = async (handle: string, options: { hostname?: string; pid?: number } = {}): Promise<WarpApp> => {
    const app = await fleet.agent(options);
    app.deps.session.projectRoot = '/repo';
    await app.setHandle({ handle });
    await app.registerAgent({ agentType: 'dev' });
    return app;
  };

  it('refuses an overlapping exclusive reservation, naming the holder, its pattern, reason and expiry', async () => {
    const alice = await agent('alice');
    const bob = await agent('bob');
    const mine = await alice.reservePaths({ paths: ['src/app/**'], reason: 'refactoring the app' });
    expect(mine.granted).toEqual([
      expect.objectContaining({ pattern: 'src/app/**', exclusive: true, reason: 'refactoring the app' }),
    ]);
    expect(Date.parse(mine.granted[0]!.expiresAt) - fleet.clock.now()).toBe(RESERVATION_TTL_S.default * 1000);

    const asked = await bob.reservePaths({ paths: ['/repo/src/app/x.ts', 'test/**'] });
    expect(asked.granted.map((r) => r.pattern)).toEqual(['test/**']);
    expect(asked.refused).toEqual([
      {
        pattern: 'src/app/x.ts',
        heldBy: [
          expect.objectContaining({
            pattern: 'src/app/**',
            holder: { handle: 'alice', guid: alice.deps.session.guid },
            reason: 'refactoring the app',
            expiresAt: mine.granted[0]!.expiresAt,
          }),
        ],
      },
    ]);
    const listed = await bob.listReservations({ path: 'src/app/x.ts' });
    expect(listed.reservations.map((r) => `${r.holder.handle} ${r.pattern}`)).toEqual(['alice src/app/**']);
    await expect(bob.reservePaths({ paths: ['/elsewhere/x.ts'] })).rejects.toThrow(/outside the project \(\/repo\)/);
    await expect(bob.reservePaths({ paths: ['src/x'], ttlSeconds: 86_401 })).rejects.toThrow(ValidationError);
  });

  it('lets shared reservations coexist and renews on reserving again', async () => {
    const alice = await agent('alice');
    const bob = await agent('bob');
    await alice.reservePaths({ paths: ['docs/**'], exclusive: false });
    expect((await bob.reservePaths({ paths: ['docs/a.md'], exclusive: false })).granted).toHaveLength(1);
    expect((await bob.reservePaths({ paths: ['docs/b.md'] })).refused).toHaveLength(1);
    await fleet.clock.advance(1_000);
    const renewed = await alice.reservePaths({ paths: ['docs/**'], exclusive: false, ttlSeconds: 60 });
    expect(Date.parse(renewed.granted[0]!.expiresAt)).toBe(fleet.clock.now() + 60_000);
    expect((await alice.listReservations({})).count).toBe(2);
  });

  it('ends a reservation at its TTL, for everyone at once and with nothing written', async () => {
    const alice = await agent('alice');
    const bob = await agent('bob');
    await alice.reservePaths({ paths: ['src/**'], ttlSeconds: 5 });
    await fleet.clock.advance(4_999);
    expect((await bob.listReservations({})).count).toBe(1);
    await fleet.clock.advance(1);
    expect((await bob.listReservations({})).count).toBe(0);
    expect((await bob.reservePaths({ paths: ['src/a.ts'] })).granted).toHaveLength(1);
  });

  it('ends them on release (given patterns or all) and on deregister_agent', async () => {
    const alice = await agent('alice');
    const bob = await agent('bob');
    await alice.reservePaths({ paths: ['a/**', 'b/**', 'c/**'] });
    expect(await alice.releasePaths({ paths: ['./a/**'] })).toEqual({ released: ['a/**'] });
    expect(await bob.releasePaths({})).toEqual({ released: [] });
    expect((await bob.reservePaths({ paths: ['a/x'] })).granted).toHaveLength(1);
    await alice.deregisterAgent();
    expect((await bob.listReservations({})).reservations.map((r) => r.pattern)).toEqual(['a/x']);
    expect((await bob.reservePaths({ paths: ['b/x', 'c/x'] })).granted).toHaveLength(2);
  });

  it('ends them when the holder’s process dies on its host, at once', async () => {
    const alice = await agent('alice', { pid: 71 });
    const bob = await agent('bob');
    await alice.reservePaths({ paths: ['src/**'] });
    expect((await bob.reservePaths({ paths: ['src/a.ts'] })).refused).toHaveLength(1);
    fleet.processes.end(71);
    expect((await bob.listReservations({})).count).toBe(0);
    expect((await bob.reservePaths({ paths: ['src/a.ts'] })).granted).toHaveLength(1);
  });

  it('ends them when the holder on another host goes stale, and when its session ends cleanly', async () => {
    await fleet.close();
    // Heartbeats slower than the stale threshold: time passing is a session that stopped beating.
    fleet = createFleet({ ...testSettings, heartbeatMs: 60_000 });
    const alice = await agent('alice', { hostname: 'far' });
    const bob = await agent('bob');
    await alice.reservePaths({ paths: ['src/**'] });
    await fleet.clock.advance(testSettings.staleAfterMs);
    expect((await bob.listReservations({})).count).toBe(1);
    await fleet.clock.advance(1);
    expect((await bob.listReservations({})).count).toBe(0);

    const carol = await agent('carol');
    await carol.reservePaths({ paths: ['lib/**'] });
    await goOffline(carol.deps);
    expect((await bob.listReservations({ path: 'lib' })).count).toBe(0);
  });

  it('keeps a CLI command’s reservation after the command ends, until its TTL', async () => {
    const ids = new CryptoIds();
    const session = new Session('proj', 'host-a', 'ann', { session: ids.newId(), pid: 99, command: true });
    const cli = createWarpApp(
      createSessionDeps(fleet.backend, fleet.clock, ids, session, testSettings, fleet.processes),
    );
    await cli.setHandle({ handle: 'ann' });
    await cli.registerAgent({ agentType: 'cli' });
    await cli.reservePaths({ paths: ['deploy/**'], ttlSeconds: 600, reason: 'release' });
    await goOffline(cli.deps);
    fleet.processes.end(99);
    const bob = await agent('bob');
    expect((await bob.listReservations({})).reservations).toEqual([
      expect.objectContaining({ pattern: 'deploy/**', holder: expect.objectContaining({ handle: 'ann' }) }),
    ]);
    await fleet.clock.advance(600_000);
    expect((await bob.listReservations({})).count).toBe(0);
  });

  it('gives one of two agents racing for one path the reservation, never both', async () => {
    const racers = await Promise.all(['r1', 'r2', 'r3', 'r4'].map((h) => agent(h)));
    const answers = await Promise.all(racers.map((r) => r.reservePaths({ paths: ['src/contested.ts'] })));
    expect(answers.filter((a) => a.granted.length === 1)).toHaveLength(1);
    expect(answers.filter((a) => a.refused.length === 1)).toHaveLength(3);
    expect((await racers[0]!.listReservations({})).count).toBe(1);
  });

  it('asks an unregistered session to register first', async () => {
    const app = await fleet.agent();
    await expect(app.reservePaths({ paths: ['x'] })).rejects.toThrow(/register_agent/);
  });
});
