import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BIN } from '../support/stdio-agent.js';
import { stdioFleetOnNats } from '../support/stdio-fleet.js';

const run = promisify(execFile);

const DESCRIPTION = 'd'.repeat(1_500);

/** What an agent reads when its project is at its storage quota, through a real MCP client of the built server. */
describe('per-project storage quota over NATS', () => {
  const fleet = stdioFleetOnNats({}, { hub: { WARP_PROJECT_MAX_BYTES: '16384' } });

  it('a full project is refused with the quota named; another project on the same hub keeps working', async () => {
    const full = await fleet.start({ WARP_NAMESPACE: 'quota-full' });
    const other = await fleet.start({ WARP_NAMESPACE: 'quota-other' });
    await full.call('set_handle', { handle: 'filler' });
    await other.call('set_handle', { handle: 'neighbour' });
    const offer = (agent: typeof full, taskId: string) =>
      agent.call('broadcast_work_offer', { taskId, description: DESCRIPTION, requiredCapability: 'build' });
    const acknowledged: string[] = [];
    let refusal = '';
    for (let i = 0; i < 100 && refusal === ''; i++) {
      try {
        acknowledged.push((await offer(full, `task-${i}`)).workItem.workItemId);
      } catch (error) {
        refusal = (error as Error).message;
      }
    }
    expect(refusal).toMatch(
      /^storage quota: project "quota-full" holds its quota of work records, 16 KiB \(WARP_PROJECT_MAX_BYTES on the hub; NATS: maximum bytes exceeded\)\. Nothing was stored and nothing stored was lost; other projects are not affected\. Space comes back as finished work is purged \(WARP_WORK_RETENTION\); to write now, ask the operator to raise WARP_PROJECT_MAX_BYTES\.$/,
    );
    expect(refusal).not.toMatch(/internal error/i);
    expect(acknowledged.length).toBeGreaterThan(2);
    const listed = await full.call('list_work', { status: 'offered', limit: 100 });
    expect(listed.items.map((w: { workItemId: string }) => w.workItemId).sort()).toEqual([...acknowledged].sort());
    // The CLI goes through the same hub: the same words, and the exit code of a refusal.
    const cli = await run(process.execPath, [BIN, 'work', 'offer', 'from-cli', 'build', DESCRIPTION], {
      env: { ...process.env, NATS_URL: fleet.url(), WARP_NAMESPACE: 'quota-full', LOG_LEVEL: 'WARN' },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/storage quota: project "quota-full" holds its quota of work records, 16 KiB/);

    const { workItem } = await offer(other, 'elsewhere');
    expect(workItem.status).toBe('offered');
    await expect(other.call('send_message', { channel: 'roadmap', message: 'still here' })).resolves.toBeDefined();
    // The full project still talks: its channels are streams of their own, with their own retention.
    await expect(full.call('send_message', { channel: 'roadmap', message: 'we are full' })).resolves.toBeDefined();
  });
});

describe("the account's storage over NATS with credentials", () => {
  // Channels reserve their maxBytes of the account's storage: small ones leave room to fill it.
  const fleet = stdioFleetOnNats(
    {},
    {
      auth: true,
      quota: { maxStorageBytes: 262_144, maxMemoryBytes: 1_048_576, maxStreams: -1, maxConsumers: -1 },
      hub: { WARP_CHANNEL_MAX_BYTES: '16384' },
    },
  );

  it('a full account is refused with its limit named, not as an internal error', async () => {
    const agent = await fleet.start({ NATS_CREDS: await fleet.creds('acct-full', 'filler') });
    const acknowledged: string[] = [];
    let refusal = '';
    for (let i = 0; i < 400 && refusal === ''; i++) {
      try {
        acknowledged.push(
          (
            await agent.call('broadcast_work_offer', {
              taskId: `t-${i}`,
              description: DESCRIPTION,
              requiredCapability: 'build',
            })
          ).workItem.workItemId,
        );
      } catch (error) {
        refusal = (error as Error).message;
      }
    }
    expect(refusal).toMatch(/^storage quota: the Warp account's JetStream storage, shared by all projects, is full/);
    const listed = await agent.call('list_work', { status: 'offered', limit: 500 });
    expect(listed.items.map((w: { workItemId: string }) => w.workItemId).sort()).toEqual([...acknowledged].sort());
  });
});
