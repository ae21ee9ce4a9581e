import { JetStreamApiError } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { errorResult } from '../../../src/adapters/mcp/tool-result.js';
import { errorFromWire, errorToWire } from '../../../src/adapters/hub/hub-errors.js';
import { exitCodeOf, EXIT } from '../../../src/adapters/cli/exit-codes.js';
import { projectRefusal, sharedRefusal } from '../../../src/adapters/nats/nats-refusals.js';
import { formatBytes } from '../../../src/domain/index.js';
import { isTransient, retryTransient } from '../../../src/adapters/nats/transient.js';
import { QuotaExceeded } from '../../../src/ports/index.js';

/** What nats-server answers (errors.json: code = HTTP-like status, err_code = JetStream's own). */
const refused = (status: number, code: number, description: string): JetStreamApiError =>
  new JetStreamApiError({ code: status, err_code: code, description });
const streamFull = (): JetStreamApiError => refused(503, 10077, 'maximum bytes exceeded');
const accountFull = (): JetStreamApiError => refused(400, 10002, 'resource limits exceeded for account');
const quota = { project: 'team', kind: 'work', maxBytes: 64 * 1_048_576 };

describe('a write refused by a storage limit', () => {
  it("is the project's quota when the project's own stream is full, named with its size and setting", () => {
    const error = projectRefusal(streamFull(), quota);
    expect(error).toBeInstanceOf(QuotaExceeded);
    expect(error?.code).toBe('quota_exceeded');
    expect(error?.message).toMatch(
      /^storage quota: project "team" holds its quota of work records, 64 MiB \(WARP_PROJECT_MAX_BYTES on the hub; NATS: maximum bytes exceeded\)/,
    );
    expect(error?.message).toMatch(/nothing stored was lost; other projects are not affected/);
  });

  it('without a project quota, is what NATS said, not a quota of no size', () => {
    const error = projectRefusal(refused(503, 10077, 'no space left on device'), { ...quota, maxBytes: -1 });
    expect(error?.message).toMatch(
      /^storage: NATS could not store project "team"'s work records \(NATS: no space left on device\)/,
    );
    expect(error?.message).not.toMatch(/WARP_PROJECT_MAX_BYTES/);
  });

  it("is the account's limit when the account is full, whichever stream was written", () => {
    for (const error of [projectRefusal(accountFull(), quota), sharedRefusal(accountFull())]) {
      expect(error).toBeInstanceOf(QuotaExceeded);
      expect(error?.message).toMatch(/the Warp account's JetStream storage, shared by all projects, is full/);
      expect(error?.message).toMatch(/warp auth init --max-storage/);
    }
    expect(sharedRefusal(refused(400, 10027, 'maximum number of streams reached'))?.message).toMatch(/--max-streams/);
    expect(sharedRefusal(refused(400, 10026, 'maximum consumers limit reached'))?.message).toMatch(/--max-consumers/);
    expect(sharedRefusal(refused(500, 10047, 'insufficient storage resources available'))?.message).toMatch(
      /streams with a byte limit reserve it/,
    );
  });

  it('is not made of other errors: a conflict, a missing stream, a plain error', () => {
    expect(projectRefusal(refused(400, 10071, 'wrong last sequence: 3'), quota)).toBeUndefined();
    expect(sharedRefusal(refused(404, 10059, 'stream not found'))).toBeUndefined();
    expect(sharedRefusal(new Error('maximum bytes exceeded'))).toBeUndefined();
  });

  it('is never retried although JetStream answers 503, and a shared limit comes out of a retry named', async () => {
    expect(isTransient(streamFull())).toBe(false);
    expect(isTransient(refused(503, 10008, 'JetStream system temporarily unavailable'))).toBe(true);
    let calls = 0;
    const attempt = retryTransient(
      () => {
        calls++;
        return Promise.reject(accountFull());
      },
      { budgetMs: 200, firstDelayMs: 1, maxDelayMs: 4 },
    );
    await expect(attempt).rejects.toBeInstanceOf(QuotaExceeded);
    expect(calls).toBe(1);
  });

  it('reaches MCP, the hub protocol and the CLI as a refusal that says what to do, never an internal error', () => {
    const error = projectRefusal(streamFull(), quota)!;
    const text = (errorResult(error).content[0] as { text: string }).text;
    expect(text).toBe(error.message);
    const wire = errorToWire(error);
    expect(wire).toMatchObject({ kind: 'domain', code: 'quota_exceeded', message: error.message });
    const rethrown = errorFromWire(wire);
    expect(rethrown.message).toBe(error.message);
    expect(exitCodeOf(rethrown)).toBe(EXIT.rejected);
  });

  it('sizes read the way an operator sets them', () => {
    expect([formatBytes(1_073_741_824), formatBytes(67_108_864), formatBytes(8192), formatBytes(1_500_000)]).toEqual([
      '1 GiB',
      '64 MiB',
      '8 KiB',
      '1.4 MiB',
    ]);
  });
});
