import { afterEach, describe, expect, it } from 'vitest';
import type { WarpApi } from '../../../src/application/index.js';
import { ConfigError } from '../../../src/adapters/config/index.js';
import { lazyWarpApi, type Opened } from '../../../src/adapters/cli/lazy-warp-api.js';
import { Conflict } from '../../../src/domain/index.js';
import { BackendUnavailable } from '../../../src/ports/index.js';
import { createFleet } from '../../support/memory-fleet.js';

describe('lazyWarpApi: WarpApi over a runtime opened on first use', () => {
  const fleet = createFleet();
  afterEach(async () => fleet.close());

  /** Opens a memory session, counting opens and closes; `failures` are thrown by the first opens. */
  function opener(failures: unknown[] = []) {
    const counts = { opens: 0, closes: 0 };
    const open = async (): Promise<Opened> => {
      counts.opens++;
      const failure = failures.shift();
      if (failure !== undefined) throw failure;
      return { app: await fleet.agent(), close: async () => void counts.closes++ };
    };
    return { counts, open };
  }

  it('opens nothing until a call, then once for concurrent calls', async () => {
    const { counts, open } = opener();
    const api = lazyWarpApi(open);
    expect(counts.opens).toBe(0);
    const [a, b] = await Promise.all([api.listChannels(), api.getMyHandle()]);
    expect(a.channels.map((c) => c.name)).toEqual(['general']);
    expect(b).toHaveProperty('handle');
    expect(counts.opens).toBe(1);
    await api.close();
    expect(counts.closes).toBe(1);
  });

  it('a failed open says the backend is unavailable and why; the next call opens again', async () => {
    const { counts, open } = opener([new Error('connect ECONNREFUSED 127.0.0.1:4222')]);
    const api = lazyWarpApi(open);
    const failed = api.listChannels();
    await expect(failed).rejects.toBeInstanceOf(BackendUnavailable);
    await expect(failed).rejects.toThrow('ECONNREFUSED');
    await expect(api.listChannels()).resolves.toEqual({ channels: [expect.objectContaining({ name: 'general' })] });
    expect(counts.opens).toBe(2);
  });

  it('a configuration error and a refusal while opening stay what they are', async () => {
    const config = new ConfigError('Invalid JSON in /p/.loom-config.json');
    const refusal = new Conflict('handle "cli" is held by a live agent');
    const api = lazyWarpApi(opener([config, refusal]).open);
    await expect(api.listChannels()).rejects.toBe(config);
    await expect(api.listChannels()).rejects.toBe(refusal);
  });

  it('close does nothing when nothing was opened, or the open failed', async () => {
    const { counts, open } = opener([new Error('down')]);
    const api = lazyWarpApi(open);
    await api.close();
    await expect(api.inboxStatus()).rejects.toBeInstanceOf(BackendUnavailable);
    await api.close();
    expect(counts).toEqual({ opens: 1, closes: 0 });
  });

  it('every operation reaches the same operation of the opened app, with its arguments', async () => {
    const real = (await fleet.agent()) as unknown as Record<string, (...args: unknown[]) => unknown>;
    const names = Object.keys(real).filter((name) => name !== 'deps');
    expect(names.length).toBeGreaterThan(25);
    const calls: Array<[string, unknown[]]> = [];
    const recording = Object.fromEntries(
      names.map((name) => [name, async (...args: unknown[]) => void calls.push([name, args])]),
    ) as unknown as WarpApi;
    const api = lazyWarpApi(async () => ({ app: recording, close: async () => undefined }));
    for (const name of names) {
      const operation = (api as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[name];
      expect(operation, `lazyWarpApi lacks ${name}`).toBeTypeOf('function');
      await operation!(`${name}-1`, `${name}-2`);
    }
    // Each forwards the arguments it declares: an operation its input, a feed its own.
    expect(calls).toEqual(names.map((name) => [name, [`${name}-1`, `${name}-2`].slice(0, real[name]!.length)]));
  });
});
