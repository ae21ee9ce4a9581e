import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WarpApp } from '../../../src/application/index.js';
import { SHOWN_CHARS, type DashboardSnapshot } from '../../../src/adapters/web/dashboard-snapshot.js';
import { MAX_BODY_BYTES } from '../../../src/adapters/web/request-guard.js';
import { startDashboard, type Dashboard } from '../../../src/adapters/web/web-server.js';
import { createFleet } from '../../support/memory-fleet.js';

/** Reads server-sent events off a fetch body, one parsed frame at a time. */
async function* frames(body: ReadableStream<Uint8Array>): AsyncGenerator<{ event: string; data: string }> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const raw = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(raw)?.[1];
      const data = /^data: (.*)$/m.exec(raw)?.[1];
      if (event && data !== undefined) yield { event, data };
    }
  }
}

describe('the dashboard server over the application (memory backend, in process)', () => {
  let fleet: ReturnType<typeof createFleet>;
  let operator: WarpApp;
  let agent: WarpApp;
  let dashboard: Dashboard;

  beforeEach(async () => {
    fleet = createFleet();
    operator = await fleet.agent({ hostname: 'ops' });
    agent = await fleet.agent({ hostname: 'dev' });
    await operator.setHandle({ handle: 'operator' });
    await operator.registerAgent({ agentType: 'operator' });
    await agent.registerAgent({ agentType: 'dev', capabilities: ['ts'] });
    // A tick far beyond the test: anything that arrives live was pushed by a notice or an action.
    dashboard = await startDashboard(operator, { host: '127.0.0.1', port: 0, intervalMs: 600_000 });
  });

  afterEach(async () => {
    await dashboard.close();
    await fleet.close();
  });

  const action = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(new URL(path, dashboard.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: dashboard.url.replace(/\/$/, ''), ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const snapshot = async (): Promise<DashboardSnapshot> =>
    (await (await fetch(new URL('/api/snapshot', dashboard.url))).json()) as DashboardSnapshot;
  const general = (s: DashboardSnapshot) => s.channels.find((c) => c.name === 'general')!;

  it('pushes a snapshot with a new message as soon as it is stored, without waiting for a tick', async () => {
    const res = await fetch(new URL('/api/events', dashboard.url));
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const stream = frames(res.body!);
    const first = await stream.next();
    expect(first.value).toMatchObject({ event: 'snapshot' });
    await agent.sendMessage({ channel: 'general', message: 'pushed, not polled' });
    for await (const frame of stream) {
      const s = JSON.parse(frame.data) as DashboardSnapshot;
      if (general(s).messages.some((m) => m.body === 'pushed, not polled')) break;
    }
    await res.body!.cancel();
  });

  it('pushes a snapshot with a new offer and its claim as soon as they reach the read model', async () => {
    const res = await fetch(new URL('/api/events', dashboard.url));
    const stream = frames(res.body!);
    await stream.next();
    await agent.broadcastWorkOffer({ taskId: 'live-offer', description: 'd', requiredCapability: 'ts' });
    const statuses: string[] = [];
    for await (const frame of stream) {
      const item = (JSON.parse(frame.data) as DashboardSnapshot).work.items.find((w) => w.taskId === 'live-offer');
      if (item && statuses.at(-1) !== item.status) statuses.push(item.status);
      if (item?.status === 'offered' && statuses.length === 1)
        await agent.claimWork({ capability: 'ts', timeout: 100 });
      if (item?.status === 'claimed') break;
    }
    expect(statuses).toEqual(['offered', 'claimed']);
    await res.body!.cancel();
  });

  it("shows messages without reading them for the operator; marking read clears the channel's unread count", async () => {
    await agent.sendMessage({ channel: 'general', message: 'one' });
    await agent.sendMessage({ channel: 'general', message: 'two' });
    expect(general(await snapshot())).toMatchObject({ unread: 2 });
    expect(general(await snapshot()).messages.map((m) => m.body)).toEqual(['one', 'two']);
    expect(general(await snapshot()).unread).toBe(2);

    const read = await action('/api/channels/general/read', {});
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual({ channel: 'general', unread: 0 });
    expect(general(await snapshot()).unread).toBe(0);
  });

  it('cuts long texts in the snapshot and says so', async () => {
    await agent.sendMessage({ channel: 'general', message: 'x'.repeat(SHOWN_CHARS + 500) });
    const [shown] = general(await snapshot()).messages;
    expect(shown).toMatchObject({ clipped: true });
    expect(shown!.body.length).toBe(SHOWN_CHARS + 1);
  });

  it('posts and sends direct messages as the operator', async () => {
    const me = await agent.getMyHandle();
    expect((await action('/api/channels/general/messages', { message: 'from the ops room' })).status).toBe(200);
    expect((await action(`/api/agents/${me.guid}/messages`, { message: 'please rebase' })).status).toBe(200);
    const { messages } = await agent.readMessages({ channel: 'general' });
    expect(messages.at(-1)).toMatchObject({ senderHandle: 'operator', body: 'from the ops room' });
    const inbox = await agent.readDirectMessages({});
    expect(inbox.messages).toEqual([expect.objectContaining({ senderHandle: 'operator', body: 'please rebase' })]);
  });

  it('shows how many direct messages wait for the operator; reading the inbox returns them', async () => {
    const { guid } = await operator.getMyHandle();
    await agent.sendDirectMessage({ recipientGuid: guid!, message: 'done with fix-42' });
    expect((await snapshot()).inbox).toEqual({ unread: 1 });
    const read = await action('/api/inbox/read', {});
    expect(read.status).toBe(200);
    const { messages } = (await read.json()) as { messages: Array<{ body: string; senderHandle: string }> };
    expect(messages).toEqual([expect.objectContaining({ body: 'done with fix-42', senderHandle: 'dev' })]);
    expect((await snapshot()).inbox).toEqual({ unread: 0 });
  });

  it('lists path reservations with holder, reason and expiry, and drops them once released', async () => {
    const { granted } = await agent.reservePaths({ paths: ['src/app/**'], reason: 'refactoring the app' });
    expect((await snapshot()).reservations).toEqual([
      expect.objectContaining({
        pattern: 'src/app/**',
        exclusive: true,
        holder: expect.objectContaining({ guid: agent.deps.session.guid }),
        reason: 'refactoring the app',
        expiresAt: granted[0]!.expiresAt,
      }),
    ]);
    await agent.releasePaths({});
    expect((await snapshot()).reservations).toEqual([]);
  });

  it('retries and discards dead letters', async () => {
    const offer = async (taskId: string): Promise<string> => {
      await agent.broadcastWorkOffer({ taskId, description: taskId, requiredCapability: 'ts' });
      const claim = await agent.claimWork({ capability: 'ts', timeout: 100 });
      if (!claim.claimed) throw new Error('nothing claimed');
      await agent.failWork({ workItemId: claim.workItem.workItemId, error: 'broken', retryable: false });
      return claim.workItem.workItemId;
    };
    const retried = await offer('a');
    const discarded = await offer('b');
    expect((await snapshot()).deadLetters.items.map((w) => w.taskId).sort()).toEqual(['a', 'b']);

    expect((await action(`/api/dead-letters/${retried}/retry`, {})).status).toBe(200);
    expect((await action(`/api/dead-letters/${discarded}/discard`, {})).status).toBe(200);
    const after = await snapshot();
    expect(after.deadLetters.items).toEqual([]);
    expect(after.work.items.map((w) => [w.taskId, w.status])).toEqual([['a', 'offered']]);

    const missing = await action('/api/dead-letters/no-such-item/retry', {});
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toMatch(/not found/);
  });

  it('rejects bad actions with a reason and changes nothing', async () => {
    const cases: Array<[Response, number, RegExp]> = [
      [await action('/api/channels/general/messages', '{not json'), 400, /JSON/],
      [await action('/api/channels/general/messages', { text: 'wrong field' }), 400, /message/],
      [await action('/api/channels/general/messages', { message: '' }), 400, /message/],
      [await action('/api/channels/NOT.valid/messages', { message: 'x' }), 400, /channel/],
      [await action('/api/channels/%E0%A4%A/messages', { message: 'x' }), 400, /percent-encoding/],
      [await action('/api/channels/general/explode', {}), 404, /no action/],
      [
        await action('/api/channels/general/messages', { message: 'x' }, { origin: 'http://evil.example' }),
        403,
        /Origin/,
      ],
      [await action('/api/channels/general/messages', 'x'.repeat(MAX_BODY_BYTES + 1)), 413, /bytes/],
    ];
    for (const [res, status, reason] of cases) {
      expect(res.status).toBe(status);
      expect(((await res.json()) as { error: string }).error).toMatch(reason);
    }
    expect(general(await snapshot()).messages).toEqual([]);
  });

  it('serves only its own assets, with a policy that forbids other origins', async () => {
    const page = await fetch(dashboard.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(await page.text()).toMatch(/<title>Warp dashboard<\/title>/);
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/package.json', '/web'])
      expect((await fetch(new URL(path, dashboard.url))).status, path).toBe(404);
    expect((await fetch(new URL('/dashboard.js', dashboard.url))).headers.get('content-type')).toMatch(
      /^text\/javascript/,
    );
  });
});
