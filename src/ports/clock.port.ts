/** Time for the application; the memory adapter's virtual clock makes leases testable without sleeping. */
export interface Clock {
  now(): number;
  /** Resolves after `ms` of this clock's time, or early (without error) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
