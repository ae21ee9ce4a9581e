import { describe, expect, it } from 'vitest';
import { loadEnv } from '../../../src/adapters/config/index.js';
import {
  HUB_SETTINGS,
  hubSettingsOf,
  hubValues,
  settingDifferences,
  whereToSet,
  type HubWithSettings,
} from '../../../src/adapters/config/setting-owners.js';

const hub = (id: string, settings: Record<string, string>): HubWithSettings => ({
  id,
  hostname: `host-${id}`,
  pid: 100,
  settings,
});

describe('which setting is whose (ADR 0035)', () => {
  it('a hub tells every setting it applies for all sessions, by its variable, and no work policy', () => {
    const told = hubSettingsOf(loadEnv({ WARP_STALE_AFTER_MS: '5000', WARP_HEARTBEAT_MS: '1000' }, '/'));
    expect(Object.keys(told)).toEqual(Object.keys(HUB_SETTINGS));
    expect(told).toMatchObject({ WARP_STALE_AFTER_MS: '5000', WARP_MAX_CHANNELS: '256', WARP_REPLICAS: '1' });
    // The work policy travels with each offer; the heartbeat is each session's own.
    for (const own of ['WORKQUEUE_ACK_TIMEOUT', 'WORKQUEUE_MAX_ATTEMPTS', 'WORKQUEUE_DLQ_TTL', 'WARP_HEARTBEAT_MS'])
      expect(told).not.toHaveProperty(own);
  });

  it('finds what a hub applies otherwise, and whether this environment set it', () => {
    const processEnv = { WARP_STALE_AFTER_MS: '5000', WARP_HEARTBEAT_MS: '1000', WARP_MAX_CHANNELS: ' ' };
    const env = loadEnv(processEnv, '/');
    const defaults = hubSettingsOf(loadEnv({}, '/'));
    const hubs = [
      hub('a', { ...defaults, WARP_MAX_CHANNELS: '10' }),
      hub('b', { ...defaults, WARP_STALE_AFTER_MS: '5000' }),
      // A hub of an older Warp tells nothing: nothing to compare.
      hub('old', {}),
    ];
    const differences = settingDifferences(env, processEnv, hubs);
    expect(differences.map((d) => [d.name, d.here, d.setHere, d.hubs.map((h) => `${h.id}=${h.value}`)])).toEqual([
      ['WARP_STALE_AFTER_MS', '5000', true, ['a=90000']],
      // An empty variable is unset (docker's -e VAR=): the default here.
      ['WARP_MAX_CHANNELS', '256', false, ['a=10']],
    ]);
    expect(settingDifferences(env, processEnv, [hub('b', { ...defaults, WARP_STALE_AFTER_MS: '5000' })])).toEqual([]);
  });

  it('says the hubs’ values together when they agree, each with its hub when not, and where to set them', () => {
    const env = loadEnv({}, '/');
    const [agreeing] = settingDifferences(env, {}, [
      hub('a', { WARP_HUB_RATE: '5' }),
      hub('b', { WARP_HUB_RATE: '5' }),
    ]);
    expect(hubValues(agreeing!)).toBe('5');
    const [split] = settingDifferences(env, {}, [hub('a', { WARP_HUB_RATE: '5' }), hub('b', { WARP_HUB_RATE: '7' })]);
    expect(hubValues(split!)).toBe('5 (hub a), 7 (hub b)');
    expect(whereToSet([...split!.hubs, ...split!.hubs])).toMatch(
      /^the environment of warp hub \(pid 100 on host-a, pid 100 on host-b\), which applies it for every session/,
    );
  });
});
