import { describe, expect, it } from 'vitest';
import {
  compactFinishedWork,
  createSessionDeps,
  createWarpApp,
  openNamespaceModels,
  Session,
  startSession,
  type Settings,
} from '../../src/application/index.js';
import { CryptoIds } from '../../src/adapters/system/crypto-ids.js';
import { OsProcessProbe } from '../../src/adapters/system/os-process-probe.js';
import type { Checkpoint, CheckpointStore, EventStore, StoredBatch } from '../../src/ports/index.js';
import { freshNamespace, type PortsFixture } from './ports.js';

const settings: Settings = {
  maxMessageBytes: 4096,
  leaseMs: 60_000,
  maxAttempts: 2,
  dlqTtlMs: 60_000,
  workRetentionMs: 604_800_000,
  heartbeatMs: 60_000,
  staleAfterMs: 180_000,
  channelLimits: { maxMessages: 100_000, maxBytes: 67_108_864, maxChannels: 256, maxReservedBytes: 1_073_741_824 },
};

const checkpoint = (n: number, padding = ''): Checkpoint => ({
  after: { channel: n, work: n + 1 },
  channels: [
    {
      id: 'general',
      revision: n,
      state: { status: 'open', name: 'general', description: padding, retention: {}, createdAt: 1 },
    },
  ],
  work: { live: [], recent: [], purges: [{ id: 'w-1', status: 'completed', finishedAt: 5 }] },
});

/** Counts the batches subscriptions deliver, to tell a tail replay from a full one. */
function counting(inner: EventStore): { events: EventStore; delivered: () => number } {
  let delivered = 0;
  const events: EventStore = {
    read: (stream) => inner.read(stream),
    append: (stream, list, expected, key) => inner.append(stream, list, expected, key),
    compact: (stream, snapshot, expected) => inner.compact(stream, snapshot, expected),
    purge: (stream) => inner.purge(stream),
    head: (ns, kind) => inner.head(ns, kind),
    follow: (ns, kind, handler) => inner.follow(ns, kind, handler),
    subscribe: <E>(
      ns: string,
      kind: 'agent' | 'channel' | 'work',
      handler: (b: StoredBatch<E>) => void,
      options?: { after?: number },
    ) =>
      inner.subscribe<E>(
        ns,
        kind,
        (batch) => {
          delivered++;
          handler(batch);
        },
        options,
      ),
  };
  return { events, delivered: () => delivered };
}

/** Checkpoints: stored and loaded whole (chunked if large), and restoring one plus the tail equals a full replay. */
export function checkpointContract(fixture: PortsFixture): void {
  const store = (): CheckpointStore => fixture.ports().checkpoints;

  describe('CheckpointStore', () => {
    it('loads nothing for a namespace never checkpointed, then the newest checkpoint saved, per namespace', async () => {
      const ns = freshNamespace();
      expect(await store().load(ns)).toBeUndefined();
      await store().save(ns, checkpoint(1));
      await store().save(ns, checkpoint(2));
      expect(await store().load(ns)).toEqual(checkpoint(2));
      expect(await store().load(freshNamespace())).toBeUndefined();
    });

    it('stores a checkpoint of several MB whole', async () => {
      const ns = freshNamespace();
      const large = checkpoint(3, 'x'.repeat(3 * 1024 * 1024));
      await store().save(ns, large);
      expect(await store().load(ns)).toEqual(large);
    });
  });

  describe('namespace models from a checkpoint', () => {
    it('restoring the checkpoint and replaying the tail gives the models a full replay gives', async () => {
      const ns = freshNamespace();
      const ids = new CryptoIds();
      const deps = createSessionDeps(
        fixture.ports(),
        fixture.clock,
        ids,
        new Session(ns, 'host', 'alice', { session: ids.newId(), pid: process.pid }),
        settings,
        new OsProcessProbe(),
      );
      const running = await startSession(deps, [{ name: 'general', description: 'talk' }], (error) => {
        throw error;
      });
      const app = createWarpApp(deps);
      await app.registerAgent({ agentType: 'dev', capabilities: ['ts'] });
      const cycle = async (taskId: string): Promise<void> => {
        await app.broadcastWorkOffer({ taskId, description: taskId, requiredCapability: 'ts' });
        const claim = await fixture.settle(app.claimWork({ capability: 'ts', timeout: 5_000 }));
        if (!claim.claimed) throw new Error('expected a claim');
        await app.completeWork({ workItemId: claim.workItem.workItemId });
      };
      try {
        await cycle('one');
        await cycle('two');
        await app.broadcastWorkOffer({ taskId: 'open-1', description: 'x', requiredCapability: 'ts' });
        await compactFinishedWork(deps);
        const first = await openNamespaceModels(fixture.ports(), ns);
        await first.checkpoint();
        await first.close();

        // The tail: more work, a compaction, another channel.
        await cycle('three');
        await compactFinishedWork(deps);
        await app.broadcastWorkOffer({ taskId: 'open-2', description: 'x', requiredCapability: 'ts' });
        await app.createChannel({ name: 'later', description: 'after the checkpoint' });

        const restoring = counting(fixture.ports().events);
        const restored = await openNamespaceModels({ ...fixture.ports(), events: restoring.events }, ns);
        const replaying = counting(fixture.ports().events);
        const none: CheckpointStore = { load: async () => undefined, save: async () => {} };
        const replayed = await openNamespaceModels(
          { ...fixture.ports(), events: replaying.events, checkpoints: none },
          ns,
        );
        try {
          expect(restoring.delivered(), 'only the tail is replayed').toBeLessThan(replaying.delivered());
          const byId = <T extends { id: string }>(list: readonly T[]): T[] =>
            [...list].sort((a, b) => a.id.localeCompare(b.id));
          expect(byId(restored.channels.kept())).toEqual(byId(replayed.channels.kept()));
          const [r, f] = [restored.work.saved(), replayed.work.saved()];
          expect(byId(r.live)).toEqual(byId(f.live));
          expect(r.recent).toEqual(f.recent);
          expect(byId(r.purges)).toEqual(byId(f.purges));
          expect(f.live.map((k) => k.state.status).sort()).toEqual(['offered', 'offered']);
          expect(f.recent).toHaveLength(3);
        } finally {
          await Promise.all([restored.close(), replayed.close()]);
        }
      } finally {
        await running.stop();
      }
    });
  });
}
