/** A value read back from the backend that Warp cannot use; it is skipped, never fatal. */
export interface RejectedValue {
  /** Where it came from: a stream, a bucket or a family of notices (e.g. `WARP_EV_p`, `warp-registry`). */
  readonly source: string;
  /** Its subject or key. */
  readonly subject: string;
  /** Its stream sequence or KV revision, when it has one. */
  readonly sequence?: number;
  /** Identifies a value without a sequence (a notice) or one seen through several reads (a replayed event). */
  readonly digest?: string;
  /** What is wrong with it. */
  readonly reason: string;
}

/**
 * Where adapters (undecodable values) and replay (events the decider rejects) report what they
 * skipped. Each value is reported once, however often it is read again, and counted by source
 * for `warp status` and get_my_handle.
 *
 * @example
 *   quarantine.reject({ source: 'WARP_EV_p', subject: 'warp.ev.p.work.w1', sequence: 7, reason: 'not JSON' });
 *   quarantine.counts(); // → { WARP_EV_p: 1 }
 */
export interface Quarantine {
  reject(value: RejectedValue): void;
  counts(): Readonly<Record<string, number>>;
}
