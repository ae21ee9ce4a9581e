import { connect, type Msg } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubProcess } from '../support/hub-process.js';
import { startNatsServer, type NatsServerHandle } from '../support/nats-server.js';

/** `warp hub` asked to stop answers what it took first; asked again, it goes at once (ADR 0028). */
describe('warp hub stopped by a signal', () => {
  let nats: NatsServerHandle;
  beforeAll(async () => {
    nats = await startNatsServer();
  });
  afterAll(() => nats?.dispose());

  it('waits for the claim it holds after one SIGTERM, and exits at once after a second', async () => {
    const hub = await HubProcess.start({ NATS_URL: nats.url });
    const nc = await connect({ servers: nats.url });
    try {
      const who = { namespace: 'signals', hostname: 'h', username: 'u', holder: { session: 's1', pid: 1 } };
      const ask = (op: string, session: object, input: unknown): Promise<Msg> =>
        nc.request(`warp.hub.${op}.signals.s1`, JSON.stringify({ session, input }), { timeout: 40_000 });
      const { session } = (await ask('registerAgent', who, { agentType: 'worker', capabilities: ['x'] })).json<any>();
      const claim = ask('claimWork', { ...who, guid: session.guid }, { capability: 'x', timeout: 30_000 });
      claim.catch(() => undefined);
      // Once the server has answered a flush after it, the claim is on its way to the hub.
      await nc.flush();

      process.kill(hub.pid!, 'SIGTERM');
      await hub.logged(/hub stopping .*received SIGTERM.* answering=1 /);
      expect(hub.running()).toBe(true);
      // The second SIGTERM: an exit of its own (128 + 15), not the default action a container's first process would ignore.
      expect(await hub.stop()).toBe(143);
    } finally {
      await hub.kill();
      await nc.close();
    }
  });
});
