import { assertToken } from '../nats/nats-names.js';

/**
 * Which hub decides each namespace (ADR 0038): of the hubs that answer, the one whose id scores
 * highest with the namespace (rendezvous hashing), so every hub picks the same owner without
 * talking about it, and a hub's leaving moves only its own namespaces.
 */
export class HubOwners {
  private peers: readonly string[];
  private readonly chosen = new Map<string, string>();

  constructor(private readonly self: string) {
    this.peers = [self];
  }

  /** The hubs that answer now (this one always among them). */
  update(ids: Iterable<string>): void {
    const next = [...new Set([this.self, ...ids])].sort();
    if (next.join() === this.peers.join()) return;
    this.peers = next;
    this.chosen.clear();
  }

  /** How many hubs this one knows of, itself included. */
  known(): number {
    return this.peers.length;
  }

  /** The hub that decides `namespace`, when it is another than this one. */
  elsewhere(namespace: string): string | undefined {
    let owner = this.chosen.get(namespace);
    if (owner === undefined) {
      let best = -1;
      for (const id of this.peers) {
        const score = fnv1a(`${namespace}\u0000${id}`);
        if (score > best || (score === best && id < owner!)) [best, owner] = [score, id];
      }
      this.chosen.set(namespace, owner!);
    }
    return owner === this.self ? undefined : owner;
  }
}

/** 32-bit FNV-1a: cheap and well spread for short strings; nothing here needs to resist an adversary. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * Where a hub hears requests meant for it alone: `fwd`, passed on by another hub (decided here,
 * never passed on again); `to`, sent by a session straight to the hub that answered it last
 * (ADR 0038), passed on like any request should the project have moved.
 */
export type Addressed = 'fwd' | 'to';

export const addressedSubject = (how: Addressed, hub: string, op: string, namespace: string, caller: string): string =>
  `warp.hub.${how}.${assertToken(hub)}.${op}.${namespace}.${caller}`;
export const addressedToMe = (how: Addressed, hub: string): string => `warp.hub.${how}.${hub}.>`;

/** The request subject an addressed one stands for (`warp.hub.<op>.<ns>.<caller>`), and its operation. */
export function unaddressed(how: Addressed, subject: string): { op: string; subject: string } | undefined {
  const tokens = subject.split('.');
  if (tokens.length !== 7 || tokens[2] !== how) return undefined;
  const [, , , , op, namespace, caller] = tokens;
  return { op: op!, subject: `warp.hub.${op}.${namespace}.${caller}` };
}

/**
 * The projects a hub keeps read models of but no longer decides (another hub owns them now): each
 * is let go once it has been another's for `graceMs`, longer than any request it may still be
 * answering (a claim waits 30 s at most), so a hub's memory follows the projects it owns.
 */
export class LettingGo {
  private readonly since = new Map<string, number>();

  constructor(private readonly graceMs: number) {}

  /** Of `kept`, those to let go now; a project owned again is kept on. */
  due(kept: Iterable<string>, elsewhere: (namespace: string) => boolean, now: number): string[] {
    const due: string[] = [];
    const seen = new Set<string>();
    for (const namespace of kept) {
      seen.add(namespace);
      if (!elsewhere(namespace)) {
        this.since.delete(namespace);
        continue;
      }
      const since = this.since.get(namespace) ?? now;
      this.since.set(namespace, since);
      if (now - since >= this.graceMs) due.push(namespace);
    }
    for (const namespace of [...this.since.keys()])
      if (!seen.has(namespace) || due.includes(namespace)) this.since.delete(namespace);
    return due;
  }
}
