import { describe, expect, it } from 'vitest';
import { bodies, dm, freshGuid } from './message-fixtures.js';
import type { PortsFixture } from './ports.js';

/** The Inbox port: durable per-agent inboxes; taking marks exactly what it returns read. */
export function inboxContract(fixture: PortsFixture): void {
  const inbox = () => fixture.ports().inbox;

  describe('Inbox', () => {
    it('keeps messages for an inbox opened before its owner reads, oldest first', async () => {
      const guid = freshGuid();
      await inbox().open(guid);
      await inbox().deliver(dm(guid, 'one'));
      await inbox().deliver(dm(guid, 'two'));
      expect(await inbox().unread(guid)).toBe(2);
      expect(bodies(await inbox().take(guid, { limit: 10 }))).toEqual(['one', 'two']);
      expect(await inbox().unread(guid)).toBe(0);
      expect(await inbox().take(guid, { limit: 10 })).toEqual([]);
    });

    it('marks read exactly what it returned: the limit and the filters leave the rest unread', async () => {
      const guid = freshGuid();
      await inbox().open(guid);
      await inbox().deliver(dm(guid, 'a-text', { messageType: 'text' }));
      await inbox().deliver(dm(guid, 'b-review', { messageType: 'review' }));
      await inbox().deliver(
        dm(guid, 'c-text-from-bob', { messageType: 'text', senderGuid: 'g-bob', senderHandle: 'bob' }),
      );
      await inbox().deliver(dm(guid, 'd-review', { messageType: 'review' }));
      expect(bodies(await inbox().take(guid, { limit: 1, messageType: 'review' }))).toEqual(['b-review']);
      expect(bodies(await inbox().take(guid, { limit: 10, senderGuid: 'g-bob' }))).toEqual(['c-text-from-bob']);
      expect(await inbox().unread(guid)).toBe(2);
      expect(bodies(await inbox().take(guid, { limit: 10 }))).toEqual(['a-text', 'd-review']);
    });

    it('delivers a retried message with the same idempotency key once', async () => {
      const guid = freshGuid();
      await inbox().open(guid);
      const first = await inbox().deliver(dm(guid, 'once'), 'k1');
      const again = await inbox().deliver(dm(guid, 'once'), 'k1');
      expect(again.id).toBe(first.id);
      expect(await inbox().unread(guid)).toBe(1);
    });

    it('peeks at unread messages after an id without marking any read', async () => {
      const [guid, other] = [freshGuid(), freshGuid()];
      await Promise.all([inbox().open(guid), inbox().open(other)]);
      expect(await inbox().peek(guid, { limit: 10 })).toEqual({ messages: [], newest: 0 });
      const one = await inbox().deliver(dm(guid, 'one'));
      await inbox().deliver(dm(other, 'not mine'));
      const two = await inbox().deliver(dm(guid, 'two'));
      const three = await inbox().deliver(dm(guid, 'three'));
      const all = await inbox().peek(guid, { limit: 10 });
      expect(bodies(all.messages)).toEqual(['one', 'two', 'three']);
      expect(all.newest).toBe(Number(three.id));
      expect(bodies((await inbox().peek(guid, { after: Number(one.id), limit: 1 })).messages)).toEqual(['two']);
      expect((await inbox().peek(guid, { after: Number(three.id), limit: 10 })).messages).toEqual([]);
      expect(await inbox().unread(guid)).toBe(3);
      await inbox().take(guid, { limit: 2 });
      expect(await inbox().peek(guid, { limit: 10 })).toMatchObject({
        messages: [{ id: three.id }],
        newest: Number(three.id),
      });
      expect(Number(two.id)).toBeGreaterThan(Number(one.id));
    });

    it('keeps inboxes apart', async () => {
      const [mine, theirs] = [freshGuid(), freshGuid()];
      await Promise.all([inbox().open(mine), inbox().open(theirs)]);
      await inbox().deliver(dm(theirs, 'not for me'));
      expect(await inbox().take(mine, { limit: 10 })).toEqual([]);
      expect(await inbox().unread(theirs)).toBe(1);
    });
  });
}
