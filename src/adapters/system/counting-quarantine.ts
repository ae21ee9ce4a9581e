import type { Quarantine, RejectedValue } from '../../ports/index.js';

/** Remembered values at most; beyond it a flood of junk is still counted but no longer deduplicated. */
const MAX_REMEMBERED = 10_000;

/** Counts each rejected value once (by source, subject and sequence or digest) and reports it once. */
export class CountingQuarantine implements Quarantine {
  private readonly seen = new Set<string>();
  private readonly bySource = new Map<string, number>();

  constructor(private readonly report: (value: RejectedValue) => void = () => {}) {}

  reject(value: RejectedValue): void {
    const key = `${value.source}\u0000${value.subject}\u0000${value.digest ?? value.sequence ?? value.reason}`;
    if (this.seen.has(key)) return;
    if (this.seen.size < MAX_REMEMBERED) this.seen.add(key);
    this.bySource.set(value.source, (this.bySource.get(value.source) ?? 0) + 1);
    try {
      this.report(value);
    } catch {
      // Reporting is best effort: a failing log must not turn a skipped value into a crash.
    }
  }

  counts(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.bySource);
  }
}
