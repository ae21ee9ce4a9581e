import { describe, expect, it } from 'vitest';
import { eventsStreamConfig, inboxStreamConfig, nanos } from '../../../src/adapters/nats/nats-names.js';
import { BOUNDED_RETRY } from '../../../src/adapters/nats/transient.js';

/** The request timeout a backend connection uses unless told otherwise (nats-connection.ts). */
const REQUEST_TIMEOUT_MS = 5_000;

describe('duplicate windows (ADR 0041)', () => {
  it("an event stream remembers a message id for as long as a store may retry that append, and no longer than the inbox's", () => {
    const window = eventsStreamConfig('proj', 'work', 1).duplicate_window!;
    // No retry starts after the budget, and the last one waits one request timeout for its ack.
    expect(window).toBeGreaterThanOrEqual(nanos(BOUNDED_RETRY.budgetMs + REQUEST_TIMEOUT_MS));
    // The inbox takes sessions' repeats keyed by their request id (ADR 0037), asked again over minutes.
    expect(window).toBeLessThan(inboxStreamConfig(1).duplicate_window!);
  });
});
