import { createAccount, createUser, encodeUser } from '@nats-io/jwt';
import { describe, expect, it } from 'vitest';
import { CREDENTIAL_HOST } from '../../../src/adapters/auth/credential-identity.js';
import { checkPinned, resolveCaller, VerifiedCredentials } from '../../../src/adapters/hub/hub-caller.js';

const account = createAccount();
const identity = { namespace: 'team', handle: 'alice', guid: 'guid-alice', user: 'ann' };
const jwtFor = (signer = account, warp: object = identity) =>
  encodeUser('alice', createUser(), signer, { warp } as never);
const trust = { account: account.getPublicKey(), ratePerSecond: 2 };
const wire = (extra: object = {}) => ({
  namespace: 'team',
  hostname: 'laptop',
  username: 'someone',
  holder: { session: 's-1', pid: 42 },
  ...extra,
});
const NOW = 1_800_000_000_000;

describe('resolveCaller with trust', () => {
  it('takes handle, user and host from a credential whose guid is the subject caller', async () => {
    const { session, identity: found } = resolveCaller(
      trust,
      new VerifiedCredentials(),
      'guid-alice',
      wire({ handle: 'bob' }),
      await jwtFor(),
      NOW,
    );
    expect(found).toMatchObject(identity);
    expect([session.handle, session.username, session.hostname, session.guid]).toEqual([
      'alice',
      'ann',
      CREDENTIAL_HOST,
      undefined,
    ]);
  });

  it('refuses a missing, foreign-signed or mismatched credential, and a body claiming another guid', async () => {
    const refusals = [
      () => resolveCaller(trust, new VerifiedCredentials(), 'guid-alice', wire(), undefined, NOW),
      async () =>
        resolveCaller(trust, new VerifiedCredentials(), 'guid-alice', wire(), await jwtFor(createAccount()), NOW),
      async () => resolveCaller(trust, new VerifiedCredentials(), 'guid-bob', wire(), await jwtFor(), NOW),
      async () =>
        resolveCaller(
          trust,
          new VerifiedCredentials(),
          'guid-alice',
          wire({ namespace: 'other' }),
          await jwtFor(),
          NOW,
        ),
      async () =>
        resolveCaller(trust, new VerifiedCredentials(), 'guid-alice', wire({ guid: 'guid-bob' }), await jwtFor(), NOW),
    ];
    for (const refusal of refusals) await expect((async () => refusal())()).rejects.toThrow(/credential/);
  });

  it('leaves privileged callers and open servers to the body', () => {
    expect(
      resolveCaller(trust, new VerifiedCredentials(), 'trusted-s-1', wire({ handle: 'cli' }), undefined, NOW).session
        .handle,
    ).toBe('cli');
    expect(
      resolveCaller(undefined, new VerifiedCredentials(), 's-1', wire({ handle: 'x' }), undefined, NOW).session.handle,
    ).toBe('x');
  });
});

describe('checkPinned', () => {
  it('lets an agent set only its own handle', () => {
    expect(() => checkPinned('setHandle', identity, { handle: 'alice' })).not.toThrow();
    expect(() => checkPinned('setHandle', identity, { handle: 'bob' })).toThrow(/names it "alice"/);
    expect(() => checkPinned('setHandle', undefined, { handle: 'bob' })).not.toThrow();
  });
});

describe('VerifiedCredentials', () => {
  it('remembers a checked credential until it expires, and never a refused one', async () => {
    const verified = new VerifiedCredentials();
    const jwt = await jwtFor();
    expect(verified.identity(jwt, trust.account, NOW)).toMatchObject(identity);
    // Served from memory: the same credential is not checked again (a wrong account would refuse it).
    expect(verified.identity(jwt, 'not-the-account', NOW)).toMatchObject(identity);
    const forged = `${jwt.slice(0, -6)}AAAAAA`;
    expect(verified.identity(forged, trust.account, NOW)).toBeUndefined();
    const expiring = await encodeUser('alice', createUser(), account, { warp: identity } as never, {
      exp: Math.floor(NOW / 1000) + 10,
    });
    expect(verified.identity(expiring, trust.account, NOW)).toMatchObject(identity);
    expect(verified.identity(expiring, trust.account, NOW + 10_000)).toBeUndefined();
  });
});
