import { describe, expect, it } from 'vitest';
import {
  createReadModels,
  createSessionDeps,
  createWarpApp,
  Session,
  type WarpApi,
} from '../../src/application/index.js';
import { CryptoIds } from '../../src/adapters/system/crypto-ids.js';
import { OsProcessProbe } from '../../src/adapters/system/os-process-probe.js';
import { bodies } from './message-fixtures.js';
import { freshNamespace, type PortsFixture } from './ports.js';
import { settings } from './work-queue.contract.js';

const ids = new CryptoIds();

type Agent = WarpApi & { readonly guid: string };

/**
 * Idempotency keys are their sender's. The send use cases scope the key, the stores keep it
 * opaque, so this runs through the use cases: the same behaviour on every backend.
 */
export function senderKeysContract(fixture: PortsFixture): void {
  /** Opens agents of one fresh project, sharing its read models as a hub's requests do. */
  function project(): (handle: string, options?: { register?: boolean }) => Promise<Agent> {
    const ns = freshNamespace();
    const models = createReadModels(fixture.ports().quarantine);
    return async (handle, { register = true } = {}) => {
      const session = new Session(ns, `host-${handle}`, handle, { session: ids.newId(), pid: process.pid });
      const probe = new OsProcessProbe();
      const app = createWarpApp(
        createSessionDeps(fixture.ports(), fixture.clock, ids, session, settings, probe, models),
      );
      await app.setHandle({ handle });
      if (register) await app.registerAgent({ agentType: 'dev' });
      return Object.assign(app, { guid: session.guid ?? '' });
    };
  }

  describe('idempotency keys are their sender’s', () => {
    it('stores channel messages of different senders under one key, and a retry by the same sender once', async () => {
      const agent = project();
      const [bob, alice] = [await agent('bob'), await agent('alice')];
      // An unregistered agent whose handle spells alice's guid is still not alice.
      const mallory = await agent(alice.guid, { register: false });
      await bob.createChannel({ name: 'roadmap' });
      const send = (app: WarpApi, message: string) =>
        app.sendMessage({ channel: 'roadmap', message, idempotencyKey: 'k1' });

      const fromBob = (await send(bob, 'from bob')).message;
      const fromAlice = (await send(alice, 'from alice')).message;
      const fromMallory = (await send(mallory, 'from mallory')).message;
      expect(fromAlice).toMatchObject({ body: 'from alice', senderHandle: 'alice', senderGuid: alice.guid });
      expect(new Set([fromBob.id, fromAlice.id, fromMallory.id]).size).toBe(3);

      expect((await send(alice, 'from alice')).message).toMatchObject({ id: fromAlice.id, body: 'from alice' });
      expect((await send(mallory, 'from mallory')).message.id).toBe(fromMallory.id);
      const { messages } = await bob.readMessages({ channel: 'roadmap' });
      expect(bodies(messages)).toEqual(['from bob', 'from alice', 'from mallory']);
    });

    it('delivers direct messages of different senders under one key, and a retry by the same sender once', async () => {
      const agent = project();
      const [bob, alice, carol] = [await agent('bob'), await agent('alice'), await agent('carol')];
      const send = (app: WarpApi, message: string) =>
        app.sendDirectMessage({ recipientGuid: carol.guid, message, idempotencyKey: 'k1' });

      const fromBob = (await send(bob, 'from bob')).message;
      const fromAlice = (await send(alice, 'from alice')).message;
      expect(fromAlice).toMatchObject({ body: 'from alice', senderGuid: alice.guid });
      expect(fromAlice.id).not.toBe(fromBob.id);

      expect((await send(alice, 'from alice')).message).toMatchObject({ id: fromAlice.id, body: 'from alice' });
      const { messages } = await carol.readDirectMessages({});
      expect(bodies(messages)).toEqual(['from bob', 'from alice']);
    });
  });
}
