import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Settings, WarpApp } from '../../src/application/index.js';
import {
  NotAllowed,
  NotDeadLettered,
  NotFound,
  ValidationError,
  Conflict,
  type WorkItemEvent,
} from '../../src/domain/index.js';
import { createFleet, testSettings } from '../support/memory-fleet.js';

/**
 * Model-based test: random sequences of work-queue operations run against the application
 * on the memory backend and against a deliberately simple model; after every command the
 * stored items must agree with the model.
 */

const settings: Settings = { ...testSettings, leaseMs: 1_000, maxAttempts: 3, dlqTtlMs: 5_000 };
const CAPABILITY = 'ts';
const AGENTS = 3;
const TASKS = ['t0', 't1', 't2'] as const;
const CLAIM_TIMEOUT = 100;

// ---------------------------------------------------------------- the model

type Status = 'offered' | 'claimed' | 'completed' | 'dead-lettered' | 'discarded';

interface Item {
  status: Status;
  /** Index of the agent holding it (claimed) or that completed it (completed). */
  holder?: number;
  attempts: number;
  maxAttempts: number;
  leaseUntil: number;
  priority: number;
  deadline?: number;
  /** Offer order: ties on priority go to the oldest offer. */
  seq: number;
  reason?: string;
  deadLetteredAt: number;
  completions: number;
}

interface Model {
  now: number;
  readonly start: number;
  readonly items: Map<string, Item>;
}

const claimable = (i: Item, now: number): boolean =>
  i.status === 'offered' || (i.status === 'claimed' && i.leaseUntil <= now);

function deadLetter(item: Item, reason: string, now: number): void {
  item.status = 'dead-lettered';
  item.reason = reason;
  item.deadLetteredAt = now;
  delete item.holder;
}

/** What a sweep (list_work, list_dead_letter_items) does to an expired lease. */
function expire(item: Item, now: number): void {
  if (item.attempts >= item.maxAttempts) return deadLetter(item, 'max-attempts', now);
  item.status = 'offered';
  delete item.holder;
}

function sweep(m: Model): void {
  for (const item of m.items.values()) if (item.status === 'claimed' && item.leaseUntil <= m.now) expire(item, m.now);
}

/** One pass of claim_work: the best claimable item goes to `agent`; those that cannot be handed out are dead-lettered on the way. */
function claimPass(m: Model, agent: number): string | undefined {
  const candidates = [...m.items.entries()]
    .filter(([, i]) => claimable(i, m.now))
    .sort(([, a], [, b]) => b.priority - a.priority || a.seq - b.seq);
  for (const [task, item] of candidates) {
    if (item.status === 'claimed') {
      expire(item, m.now);
      if ((item.status as Status) !== 'offered') continue;
    } else if (item.attempts >= item.maxAttempts) {
      deadLetter(item, 'max-attempts', m.now);
      continue;
    }
    if (item.deadline !== undefined && m.now > item.deadline) {
      deadLetter(item, 'deadline', m.now);
      continue;
    }
    item.status = 'claimed';
    item.holder = agent;
    item.attempts += 1;
    item.leaseUntil = m.now + settings.leaseMs;
    return task;
  }
  return undefined;
}

const inDlq = (item: Item, now: number): boolean =>
  item.status === 'dead-lettered' && now < item.deadLetteredAt + settings.dlqTtlMs;

// ---------------------------------------------------------------- the real system

interface Real {
  readonly fleet: ReturnType<typeof createFleet>;
  readonly apps: readonly WarpApp[];
  readonly guids: readonly string[];
  /** taskId → workItemId, learnt from broadcast_work_offer. */
  readonly ids: Map<string, string>;
}

const idOf = (r: Real, task: string): string => {
  const id = r.ids.get(task);
  if (!id) throw new Error(`no work item id for ${task}`);
  return id;
};

/** Stored state (get_work_item reads the event store, not a read model) must match the model for every item. */
async function agree(m: Model, r: Real): Promise<void> {
  expect(r.fleet.clock.now()).toBe(m.now);
  for (const [task, item] of m.items) {
    const { workItem, events } = await r.apps[0]!.getWorkItem({ workItemId: idOf(r, task) });
    const where = `${task} at +${m.now - m.start}ms`;
    expect(workItem.status, where).toBe(item.status);
    expect(workItem.attempts, where).toBe(item.attempts);
    expect(workItem.maxAttempts, where).toBe(item.maxAttempts);
    expect(workItem.holder, where).toBe(item.status === 'claimed' ? r.guids[item.holder!] : undefined);
    expect(workItem.completedBy, where).toBe(item.status === 'completed' ? r.guids[item.holder!] : undefined);
    expect(workItem.deadLetterReason, where).toBe(item.status === 'dead-lettered' ? item.reason : undefined);
    if (item.status === 'claimed') expect(Date.parse(workItem.leaseExpiresAt!), where).toBe(item.leaseUntil);
    // Exactly-once completion.
    const completions = events.filter((e: { type: WorkItemEvent['type'] }) => e.type === 'WorkCompleted').length;
    expect(completions, where).toBe(item.completions);
    expect(completions, where).toBeLessThanOrEqual(1);
  }
}

type Cmd = fc.AsyncCommand<Model, Real>;

/** Who acts: an agent by index, or whoever holds (or completed) the item, so finishing commands often come from the holder. */
type Actor = number | 'holder';
const resolve = (actor: Actor, item: Item): number => (actor === 'holder' ? (item.holder ?? 0) : actor);
const actorName = (actor: Actor): string => (actor === 'holder' ? 'holder' : `agent${actor}`);

// ---------------------------------------------------------------- commands

const DEADLINES = { none: undefined, near: 1_500, far: 20_000 } as const;

class Offer implements Cmd {
  constructor(
    readonly task: string,
    readonly priority: number,
    readonly deadline: keyof typeof DEADLINES,
  ) {}
  check = (): boolean => true;
  async run(m: Model, r: Real): Promise<void> {
    const offset = DEADLINES[this.deadline];
    const deadline = offset === undefined ? undefined : m.start + offset;
    const offer = r.apps[0]!.broadcastWorkOffer({
      taskId: this.task,
      description: `do ${this.task}`,
      requiredCapability: CAPABILITY,
      priority: this.priority,
      ...(deadline !== undefined ? { deadline: new Date(deadline).toISOString() } : {}),
    });
    const existing = m.items.get(this.task);
    if (deadline !== undefined && deadline <= m.now) {
      await expect(offer).rejects.toBeInstanceOf(ValidationError);
    } else if (existing && (existing.priority !== this.priority || existing.deadline !== deadline)) {
      await expect(offer).rejects.toBeInstanceOf(Conflict);
    } else {
      const { workItem, created } = await offer;
      expect(created).toBe(!existing);
      if (!existing) {
        r.ids.set(this.task, workItem.workItemId);
        m.items.set(this.task, {
          status: 'offered',
          attempts: 0,
          maxAttempts: settings.maxAttempts,
          leaseUntil: 0,
          priority: this.priority,
          ...(deadline !== undefined ? { deadline } : {}),
          seq: m.items.size,
          deadLetteredAt: 0,
          completions: 0,
        });
      }
    }
    await agree(m, r);
  }
  toString = (): string => `Offer(${this.task}, p${this.priority}, ${this.deadline})`;
}

/**
 * claim_work waits on the virtual clock when nothing can be claimed. The model knows whether
 * the first pass succeeds; when it does not, the claim must start sleeping, and the test then
 * advances the clock by the timeout so the claim makes its last pass and gives up (or takes a
 * lease that ran out meanwhile). A claim that neither settles nor sleeps fails the test instead
 * of hanging it.
 */
class Claim implements Cmd {
  constructor(readonly agent: number) {}
  check = (): boolean => true;
  async run(m: Model, r: Real): Promise<void> {
    const { clock } = r.fleet;
    const sleepersBefore = clock.waiting;
    const claim = r.apps[this.agent]!.claimWork({ capability: CAPABILITY, timeout: CLAIM_TIMEOUT });
    let settled = false;
    void claim.then(
      () => (settled = true),
      () => (settled = true),
    );
    let advanced = false;
    for (let turn = 0; !settled; turn++) {
      if (turn > 200) throw new Error('claim_work neither returned nor waited on the clock');
      await new Promise((resolve) => setImmediate(resolve));
      if (!settled && !advanced && clock.waiting > sleepersBefore) {
        await clock.advance(CLAIM_TIMEOUT);
        advanced = true;
      }
    }
    const result = await claim;

    let expected = claimPass(m, this.agent);
    expect(advanced, 'the claim waited exactly when nothing was claimable').toBe(expected === undefined);
    if (expected === undefined) {
      m.now += CLAIM_TIMEOUT;
      expected = claimPass(m, this.agent);
    }
    if (expected === undefined) {
      expect(result.claimed).toBe(false);
    } else {
      expect(result).toMatchObject({
        claimed: true,
        workItem: { workItemId: idOf(r, expected), holder: r.guids[this.agent] },
      });
    }
    await agree(m, r);
  }
  toString = (): string => `Claim(agent${this.agent})`;
}

class Complete implements Cmd {
  constructor(
    readonly actor: Actor,
    readonly task: string,
  ) {}
  check = (m: Readonly<Model>): boolean => m.items.has(this.task);
  async run(m: Model, r: Real): Promise<void> {
    const item = m.items.get(this.task)!;
    const agent = resolve(this.actor, item);
    const done = r.apps[agent]!.completeWork({ workItemId: idOf(r, this.task), result: { by: agent } });
    if (item.status === 'claimed' && item.holder === agent) {
      expect((await done).alreadyCompleted).toBe(false);
      item.status = 'completed';
      item.completions += 1;
    } else if (item.status === 'completed' && item.holder === agent) {
      expect((await done).alreadyCompleted).toBe(true);
    } else {
      await expect(done).rejects.toBeInstanceOf(NotAllowed);
    }
    await agree(m, r);
  }
  toString = (): string => `Complete(${actorName(this.actor)}, ${this.task})`;
}

class Fail implements Cmd {
  constructor(
    readonly actor: Actor,
    readonly task: string,
    readonly retryable: boolean,
  ) {}
  check = (m: Readonly<Model>): boolean => m.items.has(this.task);
  async run(m: Model, r: Real): Promise<void> {
    const item = m.items.get(this.task)!;
    const agent = resolve(this.actor, item);
    const failed = r.apps[agent]!.failWork({
      workItemId: idOf(r, this.task),
      error: 'boom',
      retryable: this.retryable,
    });
    if (item.status === 'claimed' && item.holder === agent) {
      await failed;
      if (!this.retryable) deadLetter(item, 'non-retryable', m.now);
      else if (item.attempts >= item.maxAttempts) deadLetter(item, 'max-attempts', m.now);
      else {
        item.status = 'offered';
        delete item.holder;
      }
    } else {
      await expect(failed).rejects.toBeInstanceOf(NotAllowed);
    }
    await agree(m, r);
  }
  toString = (): string => `Fail(${actorName(this.actor)}, ${this.task}, ${this.retryable ? 'retryable' : 'fatal'})`;
}

class Progress implements Cmd {
  constructor(
    readonly actor: Actor,
    readonly task: string,
  ) {}
  check = (m: Readonly<Model>): boolean => m.items.has(this.task);
  async run(m: Model, r: Real): Promise<void> {
    const item = m.items.get(this.task)!;
    const agent = resolve(this.actor, item);
    const reported = r.apps[agent]!.reportWorkProgress({ workItemId: idOf(r, this.task), progress: 50 });
    if (item.status === 'claimed' && item.holder === agent) {
      await reported;
      item.leaseUntil = m.now + settings.leaseMs;
    } else {
      await expect(reported).rejects.toBeInstanceOf(NotAllowed);
    }
    await agree(m, r);
  }
  toString = (): string => `Progress(${actorName(this.actor)}, ${this.task})`;
}

class AdvanceTime implements Cmd {
  constructor(readonly ms: number) {}
  check = (): boolean => true;
  async run(m: Model, r: Real): Promise<void> {
    await r.fleet.clock.advance(this.ms);
    // Nothing is recorded by time alone (no coordinator); leases past `leaseUntil` are merely claimable again.
    m.now += this.ms;
    await agree(m, r);
  }
  toString = (): string => `AdvanceTime(${this.ms})`;
}

class ListDeadLetters implements Cmd {
  check = (): boolean => true;
  async run(m: Model, r: Real): Promise<void> {
    const { items, total } = await r.apps[1]!.listDeadLetterItems({ limit: 100 });
    sweep(m);
    const expected = [...m.items.entries()].filter(([, i]) => inDlq(i, m.now)).map(([task]) => idOf(r, task));
    expect(items.map((i) => i.workItemId).sort()).toEqual(expected.sort());
    expect(total).toBe(expected.length);
    await agree(m, r);
  }
  toString = (): string => 'ListDeadLetters';
}

/** list_work sees every offered item exactly once, in the state the model says. */
class ListWork implements Cmd {
  check = (): boolean => true;
  async run(m: Model, r: Real): Promise<void> {
    const { items, total, depth } = await r.apps[2]!.listWork({ limit: 500 });
    sweep(m);
    expect(total).toBe(m.items.size);
    expect(new Set(items.map((i) => i.workItemId)).size).toBe(items.length);
    const byId = new Map(items.map((i) => [i.workItemId, i.status]));
    for (const [task, item] of m.items) expect(byId.get(idOf(r, task)), task).toBe(item.status);
    const count = (s: Status): number => [...m.items.values()].filter((i) => i.status === s).length;
    if (m.items.size > 0) {
      expect(depth[CAPABILITY]).toEqual({
        offered: count('offered'),
        claimed: count('claimed'),
        deadLettered: count('dead-lettered'),
        completed: count('completed'),
      });
    }
    await agree(m, r);
  }
  toString = (): string => 'ListWork';
}

class Retry implements Cmd {
  constructor(
    readonly task: string,
    readonly resetAttempts: boolean,
  ) {}
  check = (m: Readonly<Model>): boolean => m.items.has(this.task);
  async run(m: Model, r: Real): Promise<void> {
    const item = m.items.get(this.task)!;
    const retried = r.apps[0]!.retryDeadLetterItem({ itemId: idOf(r, this.task), resetAttempts: this.resetAttempts });
    if (inDlq(item, m.now)) {
      await retried;
      item.status = 'offered';
      if (this.resetAttempts) item.attempts = 0;
      else item.maxAttempts = item.attempts + 1;
    } else {
      await expect(retried).rejects.toBeInstanceOf(item.status === 'dead-lettered' ? NotFound : NotDeadLettered);
    }
    await agree(m, r);
  }
  toString = (): string => `Retry(${this.task}${this.resetAttempts ? ', reset' : ''})`;
}

class Discard implements Cmd {
  constructor(readonly task: string) {}
  check = (m: Readonly<Model>): boolean => m.items.has(this.task);
  async run(m: Model, r: Real): Promise<void> {
    const item = m.items.get(this.task)!;
    const discarded = r.apps[1]!.discardDeadLetterItem({ itemId: idOf(r, this.task) });
    if (inDlq(item, m.now)) {
      await discarded;
      item.status = 'discarded';
    } else {
      await expect(discarded).rejects.toBeInstanceOf(item.status === 'dead-lettered' ? NotFound : NotDeadLettered);
    }
    await agree(m, r);
  }
  toString = (): string => `Discard(${this.task})`;
}

const agent = fc.integer({ min: 0, max: AGENTS - 1 });
const actor: fc.Arbitrary<Actor> = fc.oneof(
  { weight: 2, arbitrary: fc.constant('holder' as const) },
  { weight: 1, arbitrary: agent },
);
const task = fc.constantFrom(...TASKS);

/** Failures are mostly retryable, so items often reach their last attempt. */
const retryable = fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) });

/** Repeating an arbitrary in the list weights it: claims and failures drive items through their attempts. */
const commands = fc.commands<Model, Real, false>(
  [
    fc
      .tuple(task, fc.constantFrom(3, 7), fc.constantFrom('none', 'near', 'far' as const))
      .map(([t, p, d]) => new Offer(t, p, d)),
    fc.tuple(task, fc.constantFrom(3, 7)).map(([t, p]) => new Offer(t, p, 'none')),
    ...Array.from({ length: 3 }, () => agent.map((a) => new Claim(a))),
    fc.tuple(actor, task).map(([a, t]) => new Complete(a, t)),
    ...Array.from({ length: 2 }, () => fc.tuple(actor, task, retryable).map(([a, t, r]) => new Fail(a, t, r))),
    fc.tuple(actor, task).map(([a, t]) => new Progress(a, t)),
    fc.constantFrom(50, 400, 999, 1_000, 1_001, 2_500, 6_000).map((ms) => new AdvanceTime(ms)),
    fc.constant(new ListDeadLetters()),
    fc.constant(new ListWork()),
    fc.tuple(task, fc.boolean()).map(([t, reset]) => new Retry(t, reset)),
    task.map((t) => new Discard(t)),
  ],
  { maxCommands: 100, size: 'max' },
);

describe('work queue against a model (memory backend)', () => {
  it('claims, completions, failures, expiries and the dead-letter queue behave as the model says', async () => {
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        const fleet = createFleet(settings);
        try {
          const apps: WarpApp[] = [];
          const guids: string[] = [];
          for (let i = 0; i < AGENTS; i++) {
            const app = await fleet.agent();
            const { agent: registered } = await app.registerAgent({
              agentType: `dev-${i}`,
              capabilities: [CAPABILITY],
            });
            apps.push(app);
            guids.push(registered.guid);
          }
          const now = fleet.clock.now();
          await fc.asyncModelRun(
            () => ({ model: { now, start: now, items: new Map() }, real: { fleet, apps, guids, ids: new Map() } }),
            cmds,
          );
        } finally {
          await fleet.close();
        }
      }),
      { numRuns: 50 },
    );
  });
});
