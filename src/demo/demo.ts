import {
  createSessionDeps,
  createWarpApp,
  Session,
  startSession,
  type Settings,
  type WarpApp,
} from '../application/index.js';
import { createMemoryBackend } from '../adapters/memory/memory-backend.js';
import { CryptoIds } from '../adapters/system/crypto-ids.js';
import { OsProcessProbe } from '../adapters/system/os-process-probe.js';
import { SystemClock } from '../adapters/system/system-clock.js';

/** A scripted session of three agents on one in-memory backend, printed as a transcript. */
const settings: Settings = {
  maxMessageBytes: 65_536,
  leaseMs: 60_000,
  maxAttempts: 2,
  dlqTtlMs: 3_600_000,
  workRetentionMs: 604_800_000,
  heartbeatMs: 30_000,
  staleAfterMs: 90_000,
  channelLimits: { maxMessages: 100_000, maxBytes: 67_108_864, maxChannels: 256, maxReservedBytes: 1_073_741_824 },
};
const clock = new SystemClock();
const backend = createMemoryBackend(clock);
const ids = new CryptoIds();
const stops: Array<() => Promise<void>> = [];

const say = (who: string, text: string): void => void process.stdout.write(`${who.padEnd(10)} │ ${text}\n`);
const section = (title: string): void =>
  void process.stdout.write(`\n── ${title} ${'─'.repeat(Math.max(0, 60 - title.length))}\n`);

async function agent(host: string): Promise<WarpApp> {
  const deps = createSessionDeps(
    backend,
    clock,
    ids,
    new Session('demo-project', host, 'dev', { session: ids.newId(), pid: process.pid }),
    settings,
    new OsProcessProbe(),
  );
  const running = await startSession(
    deps,
    [
      { name: 'roadmap', description: 'Planning' },
      { name: 'parallel-work', description: 'Who does what' },
    ],
    () => {},
  );
  stops.push(() => running.stop());
  return createWarpApp(deps);
}

async function main(): Promise<void> {
  const lead = await agent('laptop');
  const reviewer = await agent('ci-box');
  const builder = await agent('workstation');

  section('agents register');
  for (const [app, type, caps] of [
    [lead, 'lead', ['planning']],
    [reviewer, 'reviewer', ['code-review', 'typescript']],
    [builder, 'builder', ['typescript']],
  ] as const) {
    const { agent: a } = await app.registerAgent({ agentType: type, capabilities: [...caps] });
    say(a.handle, `registered as ${a.guid.slice(0, 8)}… with [${a.capabilities.join(', ')}]`);
  }

  section('channel talk');
  const first = await lead.sendMessage({
    channel: 'roadmap',
    message: 'Sprint 5: ship the retry API. @reviewer please review PRs today.',
  });
  say('lead', `#roadmap [${first.message.id}] ${first.message.body}`);
  await builder.sendMessage({
    channel: 'roadmap',
    message: 'On it: I take the queue part.',
    replyTo: first.message.id,
  });
  const page = await reviewer.readMessages({ channel: 'roadmap', unreadOnly: true });
  say(
    'reviewer',
    `reads ${page.messages.length} unread: ${page.messages.map((m) => `${m.senderHandle}: "${m.body}"`).join(' / ')}`,
  );

  section('discovery and a direct message');
  const { agents: tsAgents } = await lead.discoverAgents({ capability: 'typescript' });
  say('lead', `who can do typescript? ${tsAgents.map((a) => `${a.handle} (${a.status})`).join(', ')}`);
  const reviewerGuid = tsAgents.find((a) => a.handle === 'reviewer')!.guid;
  await lead.sendDirectMessage({
    recipientGuid: reviewerGuid,
    message: 'Can you look at PR #42 first?',
    messageType: 'request',
  });
  const inbox = await reviewer.readDirectMessages({});
  say(
    'reviewer',
    `inbox: ${inbox.messages.map((m) => `${m.senderHandle} (${m.messageType}): "${m.body}"`).join('; ')}`,
  );

  section('work: offered, claimed, failed, retried, completed');
  const offer = await lead.broadcastWorkOffer({
    taskId: 'fix-flaky-test',
    description: 'Fix the flaky retry test',
    requiredCapability: 'typescript',
    priority: 8,
  });
  say(
    'lead',
    `offers ${offer.workItem.taskId} (priority ${offer.workItem.priority}) → ${offer.workItem.workItemId.slice(0, 8)}…`,
  );
  const id = offer.workItem.workItemId;
  const c1 = await builder.claimWork({ capability: 'typescript', timeout: 1000 });
  say('builder', c1.claimed ? `claims it (attempt ${c1.workItem.attempts}/${c1.workItem.maxAttempts})` : c1.reason);
  await builder.failWork({ workItemId: id, error: 'test env missing' });
  say('builder', 'fails it: "test env missing" (retryable) → back in the queue');
  const c2 = await reviewer.claimWork({ capability: 'typescript', timeout: 1000 });
  say('reviewer', c2.claimed ? `claims it (attempt ${c2.workItem.attempts}/${c2.workItem.maxAttempts})` : c2.reason);
  await reviewer.reportWorkProgress({ workItemId: id, progress: 50, message: 'found the race' });
  say('reviewer', 'reports 50% — lease extended');
  const done = await reviewer.completeWork({ workItemId: id, summary: 'fixed the race in setup' });
  say(
    'reviewer',
    `completes it: ${done.workItem.status}, history: ${done.workItem.attemptHistory.map((h) => h.reason).join(', ')}`,
  );
  const late = await builder.completeWork({ workItemId: id }).catch((e: Error) => e.message);
  say('builder', `tries to complete it too → ${typeof late === 'string' ? late : 'accepted?!'}`);

  section('a dead letter');
  const bad = await lead.broadcastWorkOffer({
    taskId: 'migrate-db',
    description: 'Migrate the database',
    requiredCapability: 'typescript',
  });
  for (const worker of [builder, reviewer]) {
    const c = await worker.claimWork({ capability: 'typescript', timeout: 1000 });
    if (c.claimed) await worker.failWork({ workItemId: c.workItem.workItemId, error: 'schema lock held' });
  }
  const dlq = await lead.listDeadLetterItems({});
  say(
    'lead',
    `dead letters: ${dlq.items.map((i) => `${i.taskId} (${i.deadLetterReason}; ${i.attemptHistory.map((h) => h.reason).join(' / ')})`).join(', ')}`,
  );
  await lead.retryDeadLetterItem({ itemId: bad.workItem.workItemId, resetAttempts: true });
  say('lead', 'retries it with attempts reset');
  const c3 = await builder.claimWork({ capability: 'typescript', timeout: 1000 });
  if (c3.claimed) await builder.completeWork({ workItemId: c3.workItem.workItemId, result: { migrated: 12 } });
  say('builder', 'claims and completes it');
  const depth = await lead.listWork({});
  say('lead', `queue: ${JSON.stringify(depth.depth)}`);

  await Promise.all(stops.map((stop) => stop()));
  process.stdout.write('\nDemo finished: every piece of work ended completed; nothing was lost.\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
