import { describe, expect, it } from 'vitest';
import { effectiveStatus, isFresh, lastSeen } from '../../../src/domain/index.js';

const STALE_AFTER = 90;

describe('isFresh', () => {
  it('is fresh up to and including the stale threshold, stale one ms after', () => {
    expect(isFresh(10, 10 + STALE_AFTER, STALE_AFTER)).toBe(true);
    expect(isFresh(10, 11 + STALE_AFTER, STALE_AFTER)).toBe(false);
  });
});

describe('effectiveStatus', () => {
  it('given a recent heartbeat, the agent shows the presence it set', () => {
    expect(effectiveStatus({ presence: 'busy', lastHeartbeat: 100, deregistered: false }, 150, STALE_AFTER)).toBe(
      'busy',
    );
  });

  it('given a heartbeat older than the threshold, the agent shows offline whatever it said', () => {
    expect(effectiveStatus({ presence: 'online', lastHeartbeat: 100, deregistered: false }, 191, STALE_AFTER)).toBe(
      'offline',
    );
  });

  it('given a deregistered agent, it shows offline even with a fresh heartbeat', () => {
    expect(effectiveStatus({ presence: 'online', lastHeartbeat: 100, deregistered: true }, 100, STALE_AFTER)).toBe(
      'offline',
    );
  });
});

describe('lastSeen', () => {
  it('is the later of the last heartbeat and the last change', () => {
    expect(lastSeen({ lastHeartbeat: 100, updatedAt: 250 })).toBe(250);
    expect(lastSeen({ lastHeartbeat: 300, updatedAt: 250 })).toBe(300);
  });
});
