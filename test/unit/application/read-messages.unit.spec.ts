import { afterEach, describe, expect, it } from 'vitest';
import { PAGE_BUDGET_BYTES } from '../../../src/application/shared/page-budget.js';
import { createFleet, testSettings } from '../../support/memory-fleet.js';

const BIG = 60_000;
const COUNT = Math.ceil((PAGE_BUDGET_BYTES / BIG) * 2.5);

describe('read_messages pages', () => {
  let fleet = createFleet({ ...testSettings, maxMessageBytes: 65_536 });
  afterEach(async () => {
    await fleet.close();
    fleet = createFleet({ ...testSettings, maxMessageBytes: 65_536 });
  });

  it('stay within the byte budget; hasMore and the unread cursor lead through every message once', async () => {
    const writer = await fleet.agent({ hostname: 'w' });
    const reader = await fleet.agent({ hostname: 'r' });
    await writer.setHandle({ handle: 'writer' });
    await reader.registerAgent({ agentType: 'reader' });
    for (let n = 1; n <= COUNT; n++)
      await writer.sendMessage({ channel: 'general', message: `${n}:`.padEnd(BIG, 'x') });

    const newest = await reader.readMessages({ channel: 'general', limit: 1000 });
    expect(newest.hasMore).toBe(true);
    expect(newest.messages.reduce((sum, m) => sum + m.body.length, 0)).toBeLessThanOrEqual(PAGE_BUDGET_BYTES);
    expect(newest.messages.at(-1)!.body.startsWith(`${COUNT}:`)).toBe(true);

    const seen: string[] = [];
    for (;;) {
      const page = await reader.readMessages({ channel: 'general', limit: 1000, unreadOnly: true });
      if (page.messages.length === 0) break;
      expect(page.messages.reduce((sum, m) => sum + m.body.length, 0)).toBeLessThanOrEqual(PAGE_BUDGET_BYTES);
      seen.push(...page.messages.map((m) => m.body.split(':')[0]!));
    }
    expect(seen).toEqual(Array.from({ length: COUNT }, (_, i) => String(i + 1)));
  });

  it('after "0" pages forwards from the start of the channel', async () => {
    const writer = await fleet.agent({ hostname: 'w' });
    await writer.setHandle({ handle: 'writer' });
    for (const body of ['one', 'two', 'three']) await writer.sendMessage({ channel: 'general', message: body });
    const first = await writer.readMessages({ channel: 'general', limit: 2, after: '0' });
    expect([first.messages.map((m) => m.body), first.hasMore]).toEqual([['one', 'two'], true]);
    const rest = await writer.readMessages({ channel: 'general', limit: 2, after: first.messages.at(-1)!.id });
    expect([rest.messages.map((m) => m.body), rest.hasMore]).toEqual([['three'], false]);
  });
});
