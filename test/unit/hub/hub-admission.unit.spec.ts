import { describe, expect, it } from 'vitest';
import { CallerRate, HubAdmission, type Admission } from '../../../src/adapters/hub/hub-admission.js';

const NOW = 1_800_000_000_000;
const AGENT = 'guid-alice';
const subject = (op = 'listWork', caller = AGENT) => `warp.hub.${op}.team.${caller}`;
const own = `_INBOX_${AGENT}.abc.1`;
const credentialed = () => new HubAdmission(true, { ratePerSecond: 5, inFlight: 3, waits: 2 });
const kind = (a: Admission) => (a.kind === 'refused' ? a.error.code : a.kind === 'dropped' ? a.reason : a.kind);

describe('HubAdmission: where answers may go', () => {
  it('with credentials, answers an agent only inside its own inbox prefix', () => {
    const hostile = [
      undefined,
      '$JS.API.STREAM.PURGE.WARP_INBOX',
      '$JS.API.STREAM.MSG.DELETE.WARP_EV_team_work',
      '$KV.warp-registry.guid-alice',
      'warp.ch.team.roadmap',
      'warp.inbox.guid-bob',
      'warp.notify.team.work',
      '_INBOX_guid-bob.abc.1',
      '_INBOX.abc.1',
      `_INBOX_${AGENT}`,
      `_INBOX_${AGENT}.*`,
      `_INBOX_${AGENT}.>`,
      `_INBOX_${AGENT}..x`,
      `_INBOX_${AGENT}.a b`,
      `_INBOX_${AGENT}.${'x'.repeat(300)}`,
    ];
    const admission = credentialed();
    for (const reply of hostile) expect(kind(admission.admit('listWork', subject(), reply, NOW))).toBe('reply');
    expect(kind(admission.admit('listWork', subject(), own, NOW))).toBe('admitted');
    expect(admission.counted().droppedReply).toBe(hostile.length);
  });

  it('answers a privileged caller and an open server only on the client inbox', () => {
    const admission = credentialed();
    expect(kind(admission.admit('listWork', subject('listWork', 'trusted-s1'), '_INBOX.abc.1', NOW))).toBe('admitted');
    expect(kind(admission.admit('listWork', subject('listWork', 'trusted-s1'), '$JS.API.INFO', NOW))).toBe('reply');
    const open = new HubAdmission(false, { inFlight: 3, waits: 2 });
    expect(kind(open.admit('listWork', subject('listWork', 's1'), '_INBOX.abc.1', NOW))).toBe('admitted');
    expect(kind(open.admit('listWork', subject('listWork', 's1'), '$JS.API.STREAM.PURGE.X', NOW))).toBe('reply');
  });

  it('drops what is not a subject of the operation', () => {
    const admission = credentialed();
    expect(kind(admission.admit('listWork', 'warp.hub.claimWork.team.x', own, NOW))).toBe('subject');
    expect(kind(admission.admit('listWork', 'warp.hub.listWork.team', own, NOW))).toBe('subject');
  });
});

describe('HubAdmission: one caller cannot crowd out the others', () => {
  it('refuses a caller over its rate, and only that caller', () => {
    const admission = credentialed();
    const outcomes = Array.from({ length: 12 }, () => {
      const outcome = admission.admit('listWork', subject(), own, NOW);
      if (outcome.kind === 'admitted') outcome.done();
      return outcome;
    });
    expect(outcomes.map(kind).filter((k) => k === 'admitted')).toHaveLength(10);
    expect(outcomes.map(kind).slice(10)).toEqual(['rate_limited', 'rate_limited']);
    expect(kind(admission.admit('listWork', subject('listWork', 'guid-bob'), '_INBOX_guid-bob.x', NOW))).toBe(
      'admitted',
    );
  });

  it('bounds the requests one agent has in progress, and frees a slot when one is answered', () => {
    const admission = credentialed();
    const taken = [1, 2, 3].map(() => admission.admit('listWork', subject(), own, NOW));
    expect(taken.map(kind)).toEqual(['admitted', 'admitted', 'admitted']);
    expect(kind(admission.admit('listWork', subject(), own, NOW))).toBe('busy');
    const first = taken[0]!;
    if (first.kind === 'admitted') first.done();
    expect(kind(admission.admit('listWork', subject(), own, NOW))).toBe('admitted');
  });

  it('keeps a few waits per caller: a newer one releases the oldest', () => {
    const admission = new HubAdmission(true, { ratePerSecond: 100, inFlight: 3, waits: 2 });
    const waits = [1, 2, 3].map(() => admission.admit('waitForMessages', subject('waitForMessages'), own, NOW));
    const signals = waits.map((w) => (w.kind === 'admitted' ? w.released.aborted : undefined));
    expect(signals).toEqual([true, false, false]);
    expect(admission.counted().waitsReleased).toBe(1);
    const other = admission.admit('claimWork', subject('claimWork', 'guid-bob'), '_INBOX_guid-bob.x', NOW);
    expect(other.kind === 'admitted' && !other.released.aborted).toBe(true);
  });
});

describe('CallerRate', () => {
  it('refills with time', () => {
    const rate = new CallerRate(2);
    for (let i = 0; i < 4; i++) expect(rate.take('a', NOW)).toBe(true);
    expect(rate.take('a', NOW)).toBe(false);
    expect(rate.take('b', NOW)).toBe(true);
    expect(rate.take('a', NOW + 500)).toBe(true);
  });
});
