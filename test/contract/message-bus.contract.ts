import { describe, expect, it } from 'vitest';
import type { BusNotice, NewChannelMessage, NewDirectMessage, ReadWindow } from '../../src/ports/index.js';
import { eventually, freshNamespace, Signal, type PortsFixture } from './ports.js';

const post = (channel: string, body: string): NewChannelMessage => ({
  channel,
  senderHandle: 'alice',
  senderGuid: 'g-alice',
  timestamp: 1,
  body,
});
const dm = (recipientGuid: string, body: string, extra: Partial<NewDirectMessage> = {}): NewDirectMessage => ({
  recipientGuid,
  senderGuid: 'g-alice',
  senderHandle: 'alice',
  messageType: 'text',
  body,
  timestamp: 1,
  ...extra,
});
const bodies = (messages: ReadonlyArray<{ body: string }>): string[] => messages.map((m) => m.body);
let guids = 0;
const freshGuid = (): string => `0000${process.pid}-0000-4000-8000-${String(++guids).padStart(12, '0')}`;

/** The MessageBus port: ordered retained channel logs, durable inboxes, live notices. */
export function messageBusContract(fixture: PortsFixture): void {
  const bus = () => fixture.ports().bus;
  const page = async (ns: string, channel: string, window: ReadWindow): Promise<string[]> =>
    bodies((await bus().read(ns, channel, window)).messages);
  const channelWith = async (count: number, retention = {}): Promise<{ ns: string; channel: string }> => {
    const ns = freshNamespace();
    await bus().ensureChannel(ns, 'roadmap', 'plans', retention);
    for (let n = 1; n <= count; n++) await bus().publish(ns, post('roadmap', `m${n}`));
    return { ns, channel: 'roadmap' };
  };

  describe('MessageBus: channels', () => {
    it('numbers messages 1, 2, 3… per channel and reads the newest page oldest first', async () => {
      const { ns, channel } = await channelWith(5);
      const { messages, position } = await bus().read(ns, channel, { limit: 3 });
      expect(messages.map((m) => [m.id, m.body])).toEqual([
        ['3', 'm3'],
        ['4', 'm4'],
        ['5', 'm5'],
      ]);
      expect(position).toEqual({ first: 1, last: 5 });
      expect(await bus().position(ns, channel)).toEqual({ first: 1, last: 5 });
    });

    it('pages backwards with before and forwards with after', async () => {
      const { ns, channel } = await channelWith(6);
      expect(await page(ns, channel, { limit: 2, before: 4 })).toEqual(['m2', 'm3']);
      expect(await page(ns, channel, { limit: 2, after: 4 })).toEqual(['m5', 'm6']);
      expect(await page(ns, channel, { limit: 10, after: 6 })).toEqual([]);
    });

    it('reads an empty channel as empty, at position 0', async () => {
      const { ns, channel } = await channelWith(0);
      expect(await bus().read(ns, channel, { limit: 10 })).toEqual({ messages: [], position: { first: 0, last: 0 } });
      expect(await bus().position(ns, channel)).toEqual({ first: 0, last: 0 });
    });

    it('stores a retried publish with the same idempotency key once', async () => {
      const { ns, channel } = await channelWith(0);
      const first = await bus().publish(ns, post(channel, 'once'), 'k1');
      const again = await bus().publish(ns, post(channel, 'once'), 'k1');
      expect(again.id).toBe(first.id);
      expect(await page(ns, channel, { limit: 10 })).toEqual(['once']);
    });

    it('keeps at most maxMessages, dropping the oldest', async () => {
      const { ns, channel } = await channelWith(5, { maxMessages: 3 });
      expect(await page(ns, channel, { limit: 10 })).toEqual(['m3', 'm4', 'm5']);
      expect(await bus().position(ns, channel)).toEqual({ first: 3, last: 5 });
    });

    it('applies changed retention to an existing channel', async () => {
      const { ns, channel } = await channelWith(6, { maxMessages: 100 });
      await bus().ensureChannel(ns, channel, 'plans', { maxMessages: 2 });
      await bus().publish(ns, post(channel, 'm7'));
      expect(await page(ns, channel, { limit: 10 })).toEqual(['m6', 'm7']);
    });

    it('keeps namespaces apart', async () => {
      const a = await channelWith(2);
      const b = await channelWith(0);
      expect(await page(b.ns, 'roadmap', { limit: 10 })).toEqual([]);
      expect(await page(a.ns, 'roadmap', { limit: 10 })).toEqual(['m1', 'm2']);
    });
  });

  describe('MessageBus: inboxes', () => {
    it('keeps messages for an inbox opened before its owner reads, oldest first', async () => {
      const guid = freshGuid();
      await bus().openInbox(guid);
      await bus().deliver(dm(guid, 'one'));
      await bus().deliver(dm(guid, 'two'));
      expect(await bus().unreadInbox(guid)).toBe(2);
      expect(bodies(await bus().takeInbox(guid, { limit: 10 }))).toEqual(['one', 'two']);
      expect(await bus().unreadInbox(guid)).toBe(0);
      expect(await bus().takeInbox(guid, { limit: 10 })).toEqual([]);
    });

    it('marks read exactly what it returned: the limit and the filters leave the rest unread', async () => {
      const guid = freshGuid();
      await bus().openInbox(guid);
      await bus().deliver(dm(guid, 'a-text', { messageType: 'text' }));
      await bus().deliver(dm(guid, 'b-review', { messageType: 'review' }));
      await bus().deliver(
        dm(guid, 'c-text-from-bob', { messageType: 'text', senderGuid: 'g-bob', senderHandle: 'bob' }),
      );
      await bus().deliver(dm(guid, 'd-review', { messageType: 'review' }));
      expect(bodies(await bus().takeInbox(guid, { limit: 1, messageType: 'review' }))).toEqual(['b-review']);
      expect(bodies(await bus().takeInbox(guid, { limit: 10, senderGuid: 'g-bob' }))).toEqual(['c-text-from-bob']);
      expect(await bus().unreadInbox(guid)).toBe(2);
      expect(bodies(await bus().takeInbox(guid, { limit: 10 }))).toEqual(['a-text', 'd-review']);
    });

    it('delivers a retried message with the same idempotency key once', async () => {
      const guid = freshGuid();
      await bus().openInbox(guid);
      const first = await bus().deliver(dm(guid, 'once'), 'k1');
      const again = await bus().deliver(dm(guid, 'once'), 'k1');
      expect(again.id).toBe(first.id);
      expect(await bus().unreadInbox(guid)).toBe(1);
    });

    it('peeks at unread messages after an id without marking any read', async () => {
      const [guid, other] = [freshGuid(), freshGuid()];
      await Promise.all([bus().openInbox(guid), bus().openInbox(other)]);
      expect(await bus().peekInbox(guid, { limit: 10 })).toEqual({ messages: [], newest: 0 });
      const one = await bus().deliver(dm(guid, 'one'));
      await bus().deliver(dm(other, 'not mine'));
      const two = await bus().deliver(dm(guid, 'two'));
      const three = await bus().deliver(dm(guid, 'three'));
      const all = await bus().peekInbox(guid, { limit: 10 });
      expect(bodies(all.messages)).toEqual(['one', 'two', 'three']);
      expect(all.newest).toBe(Number(three.id));
      expect(bodies((await bus().peekInbox(guid, { after: Number(one.id), limit: 1 })).messages)).toEqual(['two']);
      expect((await bus().peekInbox(guid, { after: Number(three.id), limit: 10 })).messages).toEqual([]);
      expect(await bus().unreadInbox(guid)).toBe(3);
      await bus().takeInbox(guid, { limit: 2 });
      expect(await bus().peekInbox(guid, { limit: 10 })).toMatchObject({
        messages: [{ id: three.id }],
        newest: Number(three.id),
      });
      expect(Number(two.id)).toBeGreaterThan(Number(one.id));
    });

    it('keeps inboxes apart', async () => {
      const [mine, theirs] = [freshGuid(), freshGuid()];
      await Promise.all([bus().openInbox(mine), bus().openInbox(theirs)]);
      await bus().deliver(dm(theirs, 'not for me'));
      expect(await bus().takeInbox(mine, { limit: 10 })).toEqual([]);
      expect(await bus().unreadInbox(theirs)).toBe(1);
    });
  });

  describe('MessageBus: notices', () => {
    it("notices channel messages of its namespace and direct messages to its guid, and nobody else's", async () => {
      const { ns, channel } = await channelWith(0);
      const other = await channelWith(0);
      const [guid, stranger] = [freshGuid(), freshGuid()];
      await Promise.all([bus().openInbox(guid), bus().openInbox(stranger)]);
      const notices: BusNotice[] = [];
      const signal = new Signal();
      const sub = await bus().watch(ns, guid, (notice) => {
        notices.push(notice);
        signal.fire();
      });
      try {
        await bus().publish(other.ns, post('roadmap', 'elsewhere'));
        await bus().deliver(dm(stranger, 'not mine'));
        await bus().publish(ns, post(channel, 'here'));
        await bus().deliver(dm(guid, 'mine'));
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
