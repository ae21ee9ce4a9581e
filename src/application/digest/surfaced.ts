/**
 * What one agent's digests have already shown, so each item is surfaced once: the newest
 * direct message id, per channel the last sequence scanned for mentions, offered work ids
 * and the agents last seen online. Lives as long as the agent's session.
 */
export class Surfaced {
  dm = 0;
  readonly channels = new Map<string, number>();
  readonly work = new Set<string>();
  online: ReadonlySet<string> | undefined;

  /** Keeps the work set bounded by forgetting ids that are no longer offered. */
  keepWork(stillOffered: ReadonlySet<string>): void {
    for (const id of this.work) if (!stillOffered.has(id)) this.work.delete(id);
  }
}
