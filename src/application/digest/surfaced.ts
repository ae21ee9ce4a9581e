import { ValidationError } from '../../domain/index.js';

/**
 * What one agent's digests have already shown, so each item is surfaced once: the newest
 * direct message id, per channel the last sequence scanned for mentions, offered work ids
 * and the agents last seen online. The session keeps it for the life of the agent's session,
 * as plain data, and hands it to whoever answers the digest (the hub), which hands it back changed.
 */
export interface SurfacedData {
  readonly dm: number;
  readonly channels: ReadonlyArray<readonly [string, number]>;
  readonly work: readonly string[];
  readonly online: readonly string[] | null;
}

export const NOTHING_SURFACED: SurfacedData = { dm: 0, channels: [], work: [], online: null };

/** The same memory while a digest is worked out. */
export class Surfaced {
  dm = 0;
  readonly channels = new Map<string, number>();
  readonly work = new Set<string>();
  online: ReadonlySet<string> | undefined;

  /** Checks data from another process: it may be anything. */
  static from(data: unknown): Surfaced {
    const d = data as Partial<SurfacedData> | null;
    const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
    if (
      typeof d !== 'object' ||
      d === null ||
      typeof d.dm !== 'number' ||
      !Array.isArray(d.channels) ||
      !d.channels.every((c) => Array.isArray(c) && typeof c[0] === 'string' && typeof c[1] === 'number') ||
      !strings(d.work) ||
      (d.online !== null && !strings(d.online))
    )
      throw new ValidationError('surfaced', 'malformed: expected { dm, channels, work, online }');
    const s = new Surfaced();
    s.dm = d.dm;
    for (const [channel, sequence] of d.channels) s.channels.set(channel, sequence);
    for (const id of d.work) s.work.add(id);
    s.online = d.online ? new Set(d.online) : undefined;
    return s;
  }

  data(): SurfacedData {
    return {
      dm: this.dm,
      channels: [...this.channels],
      work: [...this.work],
      online: this.online ? [...this.online] : null,
    };
  }

  /** Keeps the work set bounded by forgetting ids that are no longer offered. */
  keepWork(stillOffered: ReadonlySet<string>): void {
    for (const id of this.work) if (!stillOffered.has(id)) this.work.delete(id);
  }
}
