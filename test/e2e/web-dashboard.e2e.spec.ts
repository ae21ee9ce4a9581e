import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openOnly, stdioFleetOnNats } from '../support/stdio-fleet.js';
import { startWeb, type WebProcess } from './support/web-process.js';

// Debian's chromium (installed by .ci/run when missing); never a downloaded browser.
const CHROMIUM = '/usr/bin/chromium';
// The issue asks for updates "within a second"; the wait allows for a loaded 2-core machine.
const LIVE_MS = 3_000;
const screenshot = process.env['WARP_SCREENSHOT'];
const env = {
  WARP_NAMESPACE: 'web-e2e',
  WARP_HEARTBEAT_MS: '200',
  WARP_STALE_AFTER_MS: '1500',
  LOG_LEVEL: 'WARN',
};

/** Resolves when the locator is on screen: Playwright's auto-waiting, no sleeps. */
const shows = (locator: Locator, timeout = LIVE_MS): Promise<void> => locator.waitFor({ state: 'visible', timeout });
const hides = (locator: Locator, timeout = LIVE_MS): Promise<void> => locator.waitFor({ state: 'detached', timeout });

/** A raw request, so the test can send the Host and Origin a browser would never send. */
function post(url: string, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), { method: 'POST', headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', reject);
    req.end('{"message":"forged"}');
  });
}

describe('warp web: the live dashboard in headless Chromium, over NATS with agents in other processes', () => {
  const fleet = stdioFleetOnNats(env);
  const project = mkdtempSync(join(tmpdir(), 'warp-web-'));
  let web: WebProcess;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    if (screenshot) mkdirSync(dirname(screenshot), { recursive: true });
    web = await startWeb(['--port', '0'], {
      ...env,
      ...(await fleet.clientEnv('operator', env)),
      MCP_PROJECT_PATH: project,
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
    web?.child.kill('SIGTERM');
    rmSync(project, { recursive: true, force: true });
  });

  beforeEach(async () => {
    problems = [];
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  });

  afterEach(async () => {
    await page.close();
    expect(problems).toEqual([]);
  });

  const open = async (): Promise<void> => {
    await page.goto(web.url);
    await shows(page.getByRole('status').filter({ hasText: 'Live' }));
  };
  const agentRow = (handle: string): Locator =>
    page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: handle, exact: true }) });
  const workRow = (taskId: string): Locator =>
    page.getByRole('table', { name: 'Open work' }).getByRole('row').filter({ hasText: taskId });
  const deadRow = (taskId: string): Locator =>
    page.getByRole('table', { name: 'Dead letters' }).getByRole('row').filter({ hasText: taskId });

  it('shows the agents, channels and work that exist when it opens', async () => {
    const alice = await fleet.start({}, { handle: 'alice' });
    await alice.call('register_agent', { agentType: 'alice', capabilities: ['ts'] });
    await alice.call('send_message', { channel: 'roadmap', message: 'plan: ship the dashboard' });
    await alice.call('broadcast_work_offer', { taskId: 'fix-1', description: 'fix it', requiredCapability: 'ts' });

    await open();
    await shows(agentRow('alice').filter({ hasText: 'online' }));
    for (const name of ['errors', 'parallel-work', 'roadmap'])
      await shows(page.getByRole('tab', { name: new RegExp(`^#${name}`) }));
    await page.getByRole('tab', { name: /^#roadmap/ }).click();
    await shows(page.getByRole('list', { name: 'Messages in #roadmap' }).getByText('plan: ship the dashboard'));
    await shows(workRow('fix-1').filter({ hasText: 'offered' }));
    await shows(page.getByRole('table', { name: 'Depth by capability' }).getByRole('row', { name: /^ts 1 0 0/ }));
    await alice.close();
  });

  it('a message, an offer, a claim and an agent going offline appear without a reload', async () => {
    const alice = await fleet.start({}, { handle: 'alice' });
    const bob = await fleet.start({}, { handle: 'bob' });
    await alice.call('register_agent', { agentType: 'alice', capabilities: ['ts'] });
    await open();
    await page.getByRole('tab', { name: /^#roadmap/ }).click();
    // A reload would lose this mark.
    await page.evaluate(() => ((globalThis as unknown as { unreloaded: boolean }).unreloaded = true));

    await bob.call('register_agent', { agentType: 'bob', capabilities: ['ts'] });
    await shows(agentRow('bob').filter({ hasText: 'online' }));

    await alice.call('send_message', { channel: 'roadmap', message: 'live message one' });
    await shows(page.getByRole('list', { name: 'Messages in #roadmap' }).getByText('live message one'));
    await alice.call('send_message', { channel: 'errors', message: 'disk full' });
    await shows(page.getByRole('tab', { name: '#errors 1 unread' }));

    await alice.call('broadcast_work_offer', {
      taskId: 'urgent-2',
      description: 'hot fix',
      requiredCapability: 'ts',
      priority: 10,
    });
    await shows(workRow('urgent-2').filter({ hasText: 'offered' }));

    const claim = await bob.call('claim_work', { capability: 'ts' });
    expect(claim.workItem.taskId).toBe('urgent-2');
    await shows(
      workRow('urgent-2')
        .filter({ hasText: 'claimed' })
        .filter({ hasText: 'bob' })
        .filter({ hasText: /\d+:\d\d left/ }),
    );
    await shows(agentRow('bob').filter({ hasText: 'urgent-2' }));
    await bob.call('report_work_progress', { workItemId: claim.workItem.workItemId, progress: 40 });
    const progress = page.getByRole('progressbar', { name: 'Progress of urgent-2' });
    await shows(progress);
    expect(await progress.getAttribute('value')).toBe('40');

    await bob.close();
    await shows(agentRow('bob').filter({ hasText: 'offline' }));
    expect(await page.evaluate(() => (globalThis as unknown as { unreloaded?: boolean }).unreloaded)).toBe(true);
    await alice.close();
  });

  // Reservations and dead letters come and go as the live updates above do; the operator's own
  // requests are proved by its posting below.
  openOnly('lists path reservations with holder, reason and expiry as they are made and released', async () => {
    const erin = await fleet.start({}, { handle: 'erin' });
    await erin.call('register_agent', { agentType: 'erin' });
    await open();
    const row = page
      .getByRole('table', { name: 'Paths agents have reserved' })
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: 'src/app/**' }) });
    await erin.call('reserve_paths', { paths: ['src/app/**'], reason: 'refactoring the app' });
    await shows(
      row
        .filter({ hasText: '@erin' })
        .filter({ hasText: 'exclusive' })
        .filter({ hasText: 'refactoring the app' })
        .filter({ hasText: / left$/ }),
    );
    await erin.call('release_paths', {});
    await hides(row);
    await erin.close();
  });

  openOnly('Retry puts a dead letter back in its queue; Discard asks first', async () => {
    const worker = await fleet.start({}, { handle: 'carol' });
    await worker.call('register_agent', { agentType: 'carol', capabilities: ['py'] });
    const deadLetter = async (taskId: string): Promise<void> => {
      await worker.call('broadcast_work_offer', { taskId, description: `do ${taskId}`, requiredCapability: 'py' });
      const { workItem } = await worker.call('claim_work', { capability: 'py' });
      await worker.call('fail_work', { workItemId: workItem.workItemId, error: 'no python here', retryable: false });
    };
    await deadLetter('doomed');
    await deadLetter('junk');
    await open();

    await shows(deadRow('doomed').filter({ hasText: 'non-retryable' }).filter({ hasText: 'no python here' }));
    await page.getByRole('button', { name: 'Retry doomed' }).click();
    await hides(deadRow('doomed'));
    await shows(workRow('doomed').filter({ hasText: 'offered' }));
    const listed = await worker.call('list_work', { capability: 'py', status: 'offered' });
    expect(listed.items.map((w: { taskId: string }) => w.taskId)).toEqual(['doomed']);

    await page.getByRole('button', { name: 'Discard junk' }).click();
    const dialog = page.getByRole('dialog', { name: 'Discard dead letter?' });
    await shows(dialog);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: LIVE_MS });
    await shows(deadRow('junk'));
    await page.getByRole('button', { name: 'Discard junk' }).click();
    await dialog.getByRole('button', { name: 'Discard' }).click();
    await hides(deadRow('junk'));
    expect((await worker.call('list_dead_letter_items', {})).items).toEqual([]);
    await worker.close();
  });

  it('the operator posts to a channel and sends a direct message, as "operator"', async () => {
    const dave = await fleet.start({}, { handle: 'dave' });
    await dave.call('register_agent', { agentType: 'dave' });
    await open();
    await page.getByRole('tab', { name: /^#parallel-work/ }).click();
    await page.getByRole('textbox', { name: 'Message to #parallel-work' }).fill('operator here: pause merges');
    await page.getByRole('button', { name: 'Post' }).click();
    const posted = page.getByRole('list', { name: 'Messages in #parallel-work' }).getByRole('listitem').filter({
      hasText: 'operator here: pause merges',
    });
    await shows(posted.filter({ hasText: 'operator' }));
    const read = await dave.call('read_messages', { channel: 'parallel-work' });
    expect(read.messages.at(-1)).toMatchObject({ senderHandle: 'operator', body: 'operator here: pause merges' });

    await page
      .getByRole('combobox', { name: 'To' })
      .getByRole('option', { name: /^dave/ })
      .waitFor({ state: 'attached', timeout: LIVE_MS });
    await page.getByRole('combobox', { name: 'To' }).selectOption({ label: 'dave (online)' });
    await page.getByRole('textbox', { name: 'Direct message' }).fill('please rebase');
    await page.getByRole('button', { name: 'Send direct message' }).click();
    // The form clears once the server has stored the message.
    await expect
      .poll(() => page.getByRole('textbox', { name: 'Direct message' }).inputValue(), { timeout: LIVE_MS })
      .toBe('');
    const inbox = await dave.call('read_direct_messages', {});
    expect(inbox.messages).toEqual([expect.objectContaining({ senderHandle: 'operator', body: 'please rebase' })]);

    // The answer reaches the operator's inbox on the page.
    const { agents } = await dave.call('discover_agents', { agentType: 'operator' });
    await dave.call('send_direct_message', { recipientGuid: agents[0].guid, message: 'rebased, ready' });
    await shows(page.getByText('1 unread direct message', { exact: true }));
    await page.getByRole('button', { name: 'Read inbox' }).click();
    const replies = page.getByRole('list', { name: 'Direct messages to the operator' });
    await shows(replies.getByRole('listitem').filter({ hasText: 'dave' }).filter({ hasText: 'rebased, ready' }));
    await shows(page.getByText('No unread direct messages', { exact: true }));
    await dave.close();
  });

  // The page and its HTTP rules, whatever credential the server behind it holds.
  openOnly(
    'renders the whole dashboard in one screen (WARP_SCREENSHOT=docs/dashboard.png saves it for the README)',
    async () => {
      const lead = await fleet.start({}, { handle: 'lead' });
      await lead.call('register_agent', { agentType: 'lead', capabilities: ['planning'] });
      await lead.call('send_message', { channel: 'roadmap', message: '@bob urgent-2 first, then the docs' });
      await lead.call('broadcast_work_offer', {
        taskId: 'migrate-db',
        description: 'move the schema to v2',
        requiredCapability: 'planning',
      });
      const { workItem } = await lead.call('claim_work', { capability: 'planning' });
      await lead.call('fail_work', { workItemId: workItem.workItemId, error: 'needs a DBA', retryable: false });
      await open();
      await page.getByRole('tab', { name: /^#roadmap/ }).click();
      await shows(page.getByRole('list', { name: 'Messages in #roadmap' }).getByText('urgent-2 first'));
      await shows(agentRow('lead').filter({ hasText: 'online' }));
      await shows(page.getByRole('button', { name: 'Retry migrate-db' }));
      await lead.call('send_message', { channel: 'errors', message: 'CI is red on main' });
      await shows(page.getByRole('tab', { name: '#errors 1 unread' }));
      const png = await page.screenshot({ fullPage: true, ...(screenshot ? { path: screenshot } : {}) });
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      await lead.close();
    },
  );

  openOnly('shows untrusted message text as text, never as markup', async () => {
    const mallory = await fleet.start({}, { handle: 'mallory' });
    const attack = '<img src=x onerror="window.pwned=1"><b>bold</b>';
    await mallory.call('send_message', { channel: 'roadmap', message: attack });
    await open();
    await page.getByRole('tab', { name: /^#roadmap/ }).click();
    const list = page.getByRole('list', { name: 'Messages in #roadmap' });
    await shows(list.getByText(attack, { exact: true }));
    expect(await list.locator('img, b').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await mallory.close();
  });

  openOnly('refuses actions from other origins and requests for other host names', async () => {
    const host = new URL(web.url).host;
    const path = '/api/channels/roadmap/messages';
    const json = { 'content-type': 'application/json' };
    expect(await post(web.url, path, { ...json, host, origin: 'http://evil.example' })).toBe(403);
    expect(await post(web.url, path, { ...json, host })).toBe(403);
    expect(await post(web.url, path, { ...json, host: 'evil.example', origin: 'http://evil.example' })).toBe(421);
    expect(await post(web.url, path, { 'content-type': 'text/plain', host, origin: `http://${host}` })).toBe(415);
    const snapshot = (await (await fetch(`${web.url}api/snapshot`)).json()) as {
      channels: Array<{ name: string; messages: Array<{ body: string }> }>;
    };
    const bodies = snapshot.channels.flatMap((c) => c.messages.map((m) => m.body));
    expect(bodies).not.toContain('forged');
  });
});
