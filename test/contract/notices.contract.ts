import { describe, expect, it } from 'vitest';
import type { Notice } from '../../src/ports/index.js';
import { dm, freshGuid, post } from './message-fixtures.js';
import { eventually, freshNamespace, Signal, type PortsFixture } from './ports.js';

/** The Notices port: live notices of what the channel logs and inboxes store. */
export function noticesContract(fixture: PortsFixture): void {
  const ports = () => fixture.ports();
  const emptyChannel = async (): Promise<{ ns: string; channel: string }> => {
    const ns = freshNamespace();
    await ports().channelLog.ensure(ns, 'roadmap', 'plans', {});
    return { ns, channel: 'roadmap' };
  };

  describe('Notices', () => {
    it("notices channel messages of its namespace and direct messages to its guid, and nobody else's", async () => {
      const { ns, channel } = await emptyChannel();
      const other = await emptyChannel();
      const [guid, stranger] = [freshGuid(), freshGuid()];
      await Promise.all([ports().inbox.open(guid), ports().inbox.open(stranger)]);
      const notices: Notice[] = [];
      const signal = new Signal();
      const sub = await ports().notices.watch(ns, guid, (notice) => {
        notices.push(notice);
        signal.fire();
      });
      try {
        await ports().channelLog.publish(other.ns, post('roadmap', 'elsewhere'));
        await ports().inbox.deliver(dm(stranger, 'not mine'));
        await ports().channelLog.publish(ns, post(channel, 'here'));
        await ports().inbox.deliver(dm(guid, 'mine'));
        await eventually(notices, (n) => n.length >= 2, signal);
        const summary = notices.map((n) =>
          n.kind === 'channel' ? `channel:${n.namespace}:${n.message.body}` : `direct:${n.message.body}`,
        );
        expect(summary.sort()).toEqual([`channel:${ns}:here`, 'direct:mine']);
      } finally {
        await sub.close();
      }
    });
  });
}
