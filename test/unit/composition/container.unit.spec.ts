import { describe, expect, it } from 'vitest';
import { memoryModule } from '../../../src/composition/backend-modules.js';
import { buildContainer, coreModule, resolveApp } from '../../../src/composition/container.js';
import { TOKENS } from '../../../src/composition/tokens.js';
import { testSettings } from '../../support/memory-fleet.js';

describe('composition root', () => {
  it('resolves every binding with the memory backend', async () => {
    const container = await buildContainer(
      coreModule({ namespace: 'smoke', hostname: 'h', username: 'u', pid: process.pid, command: false }, testSettings),
      memoryModule,
    );
    for (const token of Object.values(TOKENS)) {
      expect(await container.getAsync(token), String(token)).toBeDefined();
    }
    const { app, deps } = await resolveApp(container);
    expect(await app.getMyHandle()).toMatchObject({ namespace: 'smoke', backend: 'memory' });
    expect(await container.getAsync(TOKENS.AppDeps)).toBe(deps);
  });
});
