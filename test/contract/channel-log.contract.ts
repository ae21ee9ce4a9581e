import { describe, expect, it } from 'vitest';
import type { ReadWindow } from '../../src/ports/index.js';
import { bodies, post } from './message-fixtures.js';
import { freshNamespace, type PortsFixture } from './ports.js';

/** The ChannelLog port: ordered channel logs, retained per channel, read by sequence. */
export function channelLogContract(fixture: PortsFixture): void {
  const log = () => fixture.ports().channelLog;
  const page = async (ns: string, channel: string, window: ReadWindow): Promise<string[]> =>
    bodies((await log().read(ns, channel, window)).messages);
  const channelWith = async (count: number, retention = {}): Promise<{ ns: string; channel: string }> => {
    const ns = freshNamespace();
    await log().ensure(ns, 'roadmap', 'plans', retention);
    for (let n = 1; n <= count; n++) await log().publish(ns, post('roadmap', `m${n}`));
    return { ns, channel: 'roadmap' };
  };

  describe('ChannelLog', () => {
    it('numbers messages 1, 2, 3… per channel and reads the newest page oldest first', async () => {
      const { ns, channel } = await channelWith(5);
      const { messages, position } = await log().read(ns, channel, { limit: 3 });
      expect(messages.map((m) => [m.id, m.body])).toEqual([
        ['3', 'm3'],
        ['4', 'm4'],
        ['5', 'm5'],
      ]);
      expect(position).toEqual({ first: 1, last: 5 });
      expect(await log().position(ns, channel)).toEqual({ first: 1, last: 5 });
    });

    it('pages backwards with before and forwards with after', async () => {
      const { ns, channel } = await channelWith(6);
      expect(await page(ns, channel, { limit: 2, before: 4 })).toEqual(['m2', 'm3']);
      expect(await page(ns, channel, { limit: 2, after: 4 })).toEqual(['m5', 'm6']);
      expect(await page(ns, channel, { limit: 10, after: 6 })).toEqual([]);
    });

    it('reads an empty channel as empty, at position 0', async () => {
      const { ns, channel } = await channelWith(0);
      expect(await log().read(ns, channel, { limit: 10 })).toEqual({ messages: [], position: { first: 0, last: 0 } });
      expect(await log().position(ns, channel)).toEqual({ first: 0, last: 0 });
    });

    it('stores a retried publish with the same idempotency key once', async () => {
      const { ns, channel } = await channelWith(0);
      const first = await log().publish(ns, post(channel, 'once'), 'k1');
      const again = await log().publish(ns, post(channel, 'once'), 'k1');
      expect(again.id).toBe(first.id);
      expect(await page(ns, channel, { limit: 10 })).toEqual(['once']);
    });

    it('keeps at most maxMessages, dropping the oldest', async () => {
      const { ns, channel } = await channelWith(5, { maxMessages: 3 });
      expect(await page(ns, channel, { limit: 10 })).toEqual(['m3', 'm4', 'm5']);
      expect(await log().position(ns, channel)).toEqual({ first: 3, last: 5 });
    });

    it('applies changed retention to an existing channel', async () => {
      const { ns, channel } = await channelWith(6, { maxMessages: 100 });
      await log().ensure(ns, channel, 'plans', { maxMessages: 2 });
      await log().publish(ns, post(channel, 'm7'));
      expect(await page(ns, channel, { limit: 10 })).toEqual(['m6', 'm7']);
    });

    it("reports each log's byte limit, of its own project only, as it is now", async () => {
      const ns = freshNamespace();
      const neighbour = `${ns}0`;
      await log().ensure(ns, 'roadmap', 'plans', { maxBytes: 4096 });
      await log().ensure(ns, 'errors', '', { maxMessages: 10, maxBytes: 8192 });
      await log().ensure(neighbour, 'roadmap', '', { maxBytes: 1024 });
      expect(await log().reserved(ns)).toEqual({ roadmap: 4096, errors: 8192 });
      await log().ensure(ns, 'roadmap', 'plans', { maxBytes: 2048 });
      expect(await log().reserved(ns)).toEqual({ roadmap: 2048, errors: 8192 });
      expect(await log().reserved(neighbour)).toEqual({ roadmap: 1024 });
      expect(await log().reserved(freshNamespace())).toEqual({});
    });

    it('keeps namespaces apart', async () => {
      const a = await channelWith(2);
      const b = await channelWith(0);
      expect(await page(b.ns, 'roadmap', { limit: 10 })).toEqual([]);
      expect(await page(a.ns, 'roadmap', { limit: 10 })).toEqual(['m1', 'm2']);
    });
  });
}
