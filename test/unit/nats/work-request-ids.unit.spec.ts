import { describe, expect, it } from 'vitest';
import { checkpointSchema, workItemEventSchema } from '../../../src/adapters/nats/codecs/domain-schemas.js';

/** Work events carry the request id that decided them (ADR 0042): optional, held to what the hub accepts. */
describe('request ids in stored work events', () => {
  const claimed = { type: 'WorkClaimed', v: 1, holder: 'g-1', attempt: 1, leaseUntil: 2_000, at: 1_000 };
  const completed = { type: 'WorkCompleted', v: 1, holder: 'g-1', at: 1_500 };
  const failed = { type: 'WorkFailed', v: 1, holder: 'g-1', attempt: 1, error: 'boom', retryable: true, at: 1_500 };

  it('events stored before request ids travelled decode as they were', () => {
    for (const event of [claimed, completed, failed]) expect(workItemEventSchema.parse(event)).toEqual(event);
  });

  it('decodes a request id on a claim, a completion and a failure', () => {
    const id = '0b6f6a52-1c1e-4a55-9a43-3f7f9fd2d7a1';
    for (const event of [claimed, completed, failed])
      expect(workItemEventSchema.parse({ ...event, requestId: id })).toEqual({ ...event, requestId: id });
  });

  it('refuses a request id the hub would not have accepted', () => {
    for (const requestId of ['', 'a.b', 'x'.repeat(129), 42])
      expect(workItemEventSchema.safeParse({ ...claimed, requestId }).success).toBe(false);
  });

  it('a field a reader does not know is dropped, not refused: why the id needs no new event version', () => {
    // An older hub reads a claim with a request id as a plain claim, just as this one reads a field of a newer Warp.
    expect(workItemEventSchema.parse({ ...claimed, later: 'field' })).toEqual(claimed);
  });

  it("a checkpoint keeps a claim's, a completion's and a failure's request ids", () => {
    const spec = {
      id: 'w-1',
      taskId: 't',
      description: 'd',
      capability: 'ts',
      priority: 1,
      offeredBy: 'b',
      namespace: 'p',
    };
    const common = { spec, offeredAt: 0, attempts: 1, maxAttempts: 3, history: [] };
    const failure = { attempt: 1, holder: 'g-0', reason: 'failed: boom', at: 500, requestId: 'r-0' };
    const checkpoint = {
      after: { channel: 0, work: 3 },
      channels: [],
      work: {
        live: [
          {
            id: 'w-1',
            revision: 2,
            state: { ...common, status: 'claimed', holder: 'g-1', leaseUntil: 9, requestId: 'r-1' },
          },
          { id: 'w-2', revision: 3, state: { ...common, history: [failure], status: 'offered' } },
        ],
        recent: [
          {
            id: 'w-3',
            revision: 1,
            state: { ...common, status: 'completed', completedBy: 'g-1', completedAt: 9, requestId: 'r-2' },
          },
        ],
        purges: [],
      },
    };
    expect(checkpointSchema.parse(checkpoint)).toEqual(checkpoint);
  });
});
