import { describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids.ts';
import { at, insertOrganization, MINUTE, T0, useContractDatabase } from './fixtures.ts';

describe('oidc payload repository', () => {
  const ctx = useContractDatabase();
  const HOUR = 60 * MINUTE;

  it('stores a payload and finds it by id, unconsumed, with JSON intact', async () => {
    const org = await insertOrganization(ctx.repos);
    const id = newId();
    const payload = { accountId: 'u1', claims: { email: 'a@b.test' }, scope: 'openid email', exp: 123, nested: [1, { x: null }] };
    await ctx.repos.oidcPayloads.upsert(org.id, 'AccessToken', id, { payload, grantId: 'g1', expiresAt: at(HOUR) });
    expect(await ctx.repos.oidcPayloads.find(org.id, 'AccessToken', id, T0)).toEqual({ payload, consumed: false });
  });

  it('replaces the payload and lookup columns on a second upsert of the same id', async () => {
    const org = await insertOrganization(ctx.repos);
    const id = newId();
    await ctx.repos.oidcPayloads.upsert(org.id, 'Interaction', id, { payload: { v: 1 }, uid: 'uid-old', expiresAt: at(HOUR) });
    await ctx.repos.oidcPayloads.upsert(org.id, 'Interaction', id, { payload: { v: 2 }, uid: 'uid-new', expiresAt: at(2 * HOUR) });
    expect(await ctx.repos.oidcPayloads.find(org.id, 'Interaction', id, T0)).toEqual({ payload: { v: 2 }, consumed: false });
    expect(await ctx.repos.oidcPayloads.findByUid(org.id, 'Interaction', 'uid-old', T0)).toBeUndefined();
    expect(await ctx.repos.oidcPayloads.findByUid(org.id, 'Interaction', 'uid-new', T0)).toEqual({ payload: { v: 2 }, consumed: false });
    // the new expiry applies
    expect(await ctx.repos.oidcPayloads.find(org.id, 'Interaction', id, at(HOUR + 1))).toBeDefined();
  });

  it('keeps models apart: one id under two models is two records', async () => {
    const org = await insertOrganization(ctx.repos);
    const id = newId();
    await ctx.repos.oidcPayloads.upsert(org.id, 'Session', id, { payload: { kind: 'session' }, expiresAt: null });
    await ctx.repos.oidcPayloads.upsert(org.id, 'Grant', id, { payload: { kind: 'grant' }, expiresAt: null });
    expect((await ctx.repos.oidcPayloads.find(org.id, 'Session', id, T0))?.payload).toEqual({ kind: 'session' });
    expect((await ctx.repos.oidcPayloads.find(org.id, 'Grant', id, T0))?.payload).toEqual({ kind: 'grant' });
    expect(await ctx.repos.oidcPayloads.find(org.id, 'AccessToken', id, T0)).toBeUndefined();
  });

  it('finds an id among several models in one call: only those models, unexpired, of this organization', async () => {
    const org = await insertOrganization(ctx.repos);
    const other = await insertOrganization(ctx.repos);
    const id = newId();
    await ctx.repos.oidcPayloads.upsert(org.id, 'ClientCredentials', id, { payload: { kind: 'app' }, expiresAt: at(HOUR) });
    await ctx.repos.oidcPayloads.upsert(org.id, 'Session', id, { payload: { kind: 'session' }, expiresAt: null });
    const found = await ctx.repos.oidcPayloads.findAmong(org.id, ['AccessToken', 'ClientCredentials'], id, T0);
    expect([...found.keys()]).toEqual(['ClientCredentials']);
    expect(found.get('ClientCredentials')).toEqual({ payload: { kind: 'app' }, consumed: false });
    expect((await ctx.repos.oidcPayloads.findAmong(org.id, ['AccessToken', 'ClientCredentials'], id, at(HOUR))).size).toBe(0);
    expect((await ctx.repos.oidcPayloads.findAmong(other.id, ['AccessToken', 'ClientCredentials'], id, T0)).size).toBe(0);
  });

  it('finds by uid and by user code within the model', async () => {
    const org = await insertOrganization(ctx.repos);
    await ctx.repos.oidcPayloads.upsert(org.id, 'Session', newId(), { payload: { s: 1 }, uid: 'session-uid', expiresAt: at(HOUR) });
    await ctx.repos.oidcPayloads.upsert(org.id, 'DeviceCode', newId(), { payload: { d: 1 }, userCode: 'ABCD-EFGH', expiresAt: at(HOUR) });
    expect(await ctx.repos.oidcPayloads.findByUid(org.id, 'Session', 'session-uid', T0)).toEqual({ payload: { s: 1 }, consumed: false });
    expect(await ctx.repos.oidcPayloads.findByUid(org.id, 'Interaction', 'session-uid', T0)).toBeUndefined();
    expect(await ctx.repos.oidcPayloads.findByUserCode(org.id, 'DeviceCode', 'ABCD-EFGH', T0)).toEqual({ payload: { d: 1 }, consumed: false });
    expect(await ctx.repos.oidcPayloads.findByUserCode(org.id, 'DeviceCode', 'ZZZZ-ZZZZ', T0)).toBeUndefined();
  });

  it('inserts a single-use marker once: of parallel inserts of one id exactly one wins', async () => {
    const org = await insertOrganization(ctx.repos);
    const id = newId();
    const results = await Promise.all(Array.from({ length: 10 }, () => ctx.repos.oidcPayloads.insertOnce(org.id, 'DPoPProof', id, at(MINUTE))));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await ctx.repos.oidcPayloads.insertOnce(org.id, 'DPoPProof', id, at(MINUTE))).toBe(false);
    expect(await ctx.repos.oidcPayloads.insertOnce(org.id, 'DPoPProof', newId(), at(MINUTE))).toBe(true);
    // gone with the other expired rows
    expect(await ctx.repos.oidcPayloads.deleteExpired(at(MINUTE))).toBeGreaterThanOrEqual(2);
    expect(await ctx.repos.oidcPayloads.insertOnce(org.id, 'DPoPProof', id, at(2 * MINUTE))).toBe(true);
  });

  it('treats a payload as gone from its expiry instant on, and a null expiry as never expiring', async () => {
    const org = await insertOrganization(ctx.repos);
    const expiring = newId();
    const forever = newId();
    await ctx.repos.oidcPayloads.upsert(org.id, 'AuthorizationCode', expiring, { payload: { c: 1 }, uid: 'u-exp', expiresAt: at(MINUTE) });
    await ctx.repos.oidcPayloads.upsert(org.id, 'Client', forever, { payload: { c: 2 }, expiresAt: null });
    expect(await ctx.repos.oidcPayloads.find(org.id, 'AuthorizationCode', expiring, at(MINUTE - 1))).toBeDefined();
    expect(await ctx.repos.oidcPayloads.find(org.id, 'AuthorizationCode', expiring, at(MINUTE))).toBeUndefined();
    expect(await ctx.repos.oidcPayloads.findByUid(org.id, 'AuthorizationCode', 'u-exp', at(MINUTE + 1))).toBeUndefined();
    expect(await ctx.repos.oidcPayloads.find(org.id, 'Client', forever, at(1000 * 24 * HOUR))).toBeDefined();
  });

  it('marks a payload consumed, and consuming again keeps it consumed', async () => {
    const org = await insertOrganization(ctx.repos);
    const id = newId();
    await ctx.repos.oidcPayloads.upsert(org.id, 'AuthorizationCode', id, { payload: { code: 1 }, expiresAt: at(HOUR) });
    expect(await ctx.repos.oidcPayloads.consume(org.id, 'AuthorizationCode', id, at(1))).toBe(true);
    expect(await ctx.repos.oidcPayloads.find(org.id, 'AuthorizationCode', id, at(2))).toEqual({ payload: { code: 1 }, consumed: true });
    expect(await ctx.repos.oidcPayloads.consume(org.id, 'AuthorizationCode', id, at(3))).toBe(false);
    expect((await ctx.repos.oidcPayloads.find(org.id, 'AuthorizationCode', id, at(4)))?.consumed).toBe(true);
  });

  it('lets exactly one of many parallel consumes win (the code-reuse race)', async () => {
    const org = await insertOrganization(ctx.repos);
    const id = newId();
    await ctx.repos.oidcPayloads.upsert(org.id, 'RefreshToken', id, { payload: {}, grantId: 'g', expiresAt: at(HOUR) });
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => ctx.repos.oidcPayloads.consume(org.id, 'RefreshToken', id, at(1))));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect(await ctx.repos.oidcPayloads.findGrantId(org.id, 'RefreshToken', id)).toBe('g');
  });

  it('revokes a grant: the grant row by its id and everything it issued', async () => {
    const org = await insertOrganization(ctx.repos);
    const [grant, access, other] = [newId(), newId(), newId()];
    await ctx.repos.oidcPayloads.upsert(org.id, 'Grant', grant, { payload: {}, expiresAt: null });
    await ctx.repos.oidcPayloads.upsert(org.id, 'AccessToken', access, { payload: {}, grantId: grant, expiresAt: at(HOUR) });
    await ctx.repos.oidcPayloads.upsert(org.id, 'AccessToken', other, { payload: {}, grantId: newId(), expiresAt: at(HOUR) });
    await ctx.repos.oidcPayloads.revokeGrant(org.id, grant);
    expect(await ctx.repos.oidcPayloads.find(org.id, 'Grant', grant, T0)).toBeUndefined();
    expect(await ctx.repos.oidcPayloads.find(org.id, 'AccessToken', access, T0)).toBeUndefined();
    expect(await ctx.repos.oidcPayloads.find(org.id, 'AccessToken', other, T0)).toBeDefined();
  });

  it('ends everything of one account but the one session asked to keep', async () => {
    const org = await insertOrganization(ctx.repos);
    const [kept, ended, grant, other] = [newId(), newId(), newId(), newId()];
    await ctx.repos.oidcPayloads.upsert(org.id, 'Session', kept, { payload: {}, uid: 'kept-uid', accountId: 'u1', expiresAt: at(HOUR) });
    await ctx.repos.oidcPayloads.upsert(org.id, 'Session', ended, { payload: {}, uid: 'ended-uid', accountId: 'u1', expiresAt: at(HOUR) });
    await ctx.repos.oidcPayloads.upsert(org.id, 'Grant', grant, { payload: {}, accountId: 'u1', expiresAt: at(HOUR) });
    await ctx.repos.oidcPayloads.upsert(org.id, 'Session', other, { payload: {}, uid: 'other-uid', accountId: 'u2', expiresAt: at(HOUR) });
    await ctx.repos.oidcPayloads.revokeByAccountIdExceptSession(org.id, 'u1', 'kept-uid');
    expect(await ctx.repos.oidcPayloads.find(org.id, 'Session', kept, T0)).toBeDefined();
    expect(await ctx.repos.oidcPayloads.find(org.id, 'Session', ended, T0)).toBeUndefined();
    expect(await ctx.repos.oidcPayloads.find(org.id, 'Grant', grant, T0)).toBeUndefined();
    expect(await ctx.repos.oidcPayloads.find(org.id, 'Session', other, T0)).toBeDefined();
  });

  it('destroys one payload and leaves the others', async () => {
    const org = await insertOrganization(ctx.repos);
    const [gone, kept] = [newId(), newId()];
    await ctx.repos.oidcPayloads.upsert(org.id, 'Session', gone, { payload: {}, expiresAt: null });
    await ctx.repos.oidcPayloads.upsert(org.id, 'Session', kept, { payload: {}, expiresAt: null });
    await ctx.repos.oidcPayloads.destroy(org.id, 'Session', gone);
    expect(await ctx.repos.oidcPayloads.find(org.id, 'Session', gone, T0)).toBeUndefined();
    expect(await ctx.repos.oidcPayloads.find(org.id, 'Session', kept, T0)).toBeDefined();
  });

  it('ends a session for good: a later save of the copy read before does not bring it back (sign-out racing a prompt=none renewal)', async () => {
    const org = await insertOrganization(ctx.repos);
    const [ended, kept] = [newId(), newId()];
    const session = { accountId: 'u1', authorizations: { app: { grantId: 'g1' } } };
    await ctx.repos.oidcPayloads.upsert(org.id, 'Session', ended, { payload: session, uid: 'ended-uid', accountId: 'u1', expiresAt: at(HOUR) });
    await ctx.repos.oidcPayloads.upsert(org.id, 'Session', kept, { payload: session, uid: 'kept-uid', accountId: 'u1', expiresAt: at(HOUR) });
    await ctx.repos.oidcPayloads.endSession(org.id, ended, at(1));
    // The request that loaded the session before the sign-out saves it at its end.
    await ctx.repos.oidcPayloads.upsert(org.id, 'Session', ended, { payload: session, uid: 'ended-uid', accountId: 'u1', expiresAt: at(HOUR) });
    // Only a marker is left: consumed, nothing of the person, not listed, not found by uid.
    expect(await ctx.repos.oidcPayloads.find(org.id, 'Session', ended, at(2))).toEqual({ payload: {}, consumed: true });
    expect(await ctx.repos.oidcPayloads.findByUid(org.id, 'Session', 'ended-uid', at(2))).toBeUndefined();
    expect((await ctx.repos.oidcPayloads.listSessions(org.id, 'u1', at(2))).map((s) => s.id)).toEqual([kept]);
    // It goes with the session's own expiry.
    expect(await ctx.repos.oidcPayloads.deleteExpired(at(HOUR))).toBeGreaterThanOrEqual(2);
    expect(await ctx.repos.oidcPayloads.find(org.id, 'Session', ended, T0)).toBeUndefined();
  });

  it('ends the sessions of one account but the one kept, for good, and leaves other accounts alone (password change racing a stolen session)', async () => {
    const org = await insertOrganization(ctx.repos);
    const [kept, ended, other] = [newId(), newId(), newId()];
    const session = (accountId: string) => ({ payload: { accountId }, accountId, expiresAt: at(HOUR) });
    await ctx.repos.oidcPayloads.upsert(org.id, 'Session', kept, { ...session('u1'), uid: 'kept-uid' });
    await ctx.repos.oidcPayloads.upsert(org.id, 'Session', ended, { ...session('u1'), uid: 'ended-uid' });
    await ctx.repos.oidcPayloads.upsert(org.id, 'Session', other, { ...session('u2'), uid: 'other-uid' });
    await ctx.repos.oidcPayloads.endSessionsOfAccount(org.id, 'u1', at(1), 'kept-uid');
    await ctx.repos.oidcPayloads.upsert(org.id, 'Session', ended, { ...session('u1'), uid: 'ended-uid' });
    expect(await ctx.repos.oidcPayloads.find(org.id, 'Session', ended, at(2))).toEqual({ payload: {}, consumed: true });
    expect((await ctx.repos.oidcPayloads.listSessions(org.id, 'u1', at(2))).map((s) => s.id)).toEqual([kept]);
    expect((await ctx.repos.oidcPayloads.listSessions(org.id, 'u2', at(2))).map((s) => s.id)).toEqual([other]);
    await ctx.repos.oidcPayloads.endSessionsOfAccount(org.id, 'u1', at(3));
    expect(await ctx.repos.oidcPayloads.listSessions(org.id, 'u1', at(4))).toEqual([]);
  });

  it('never writes a consumed payload back: a used code stays used', async () => {
    const org = await insertOrganization(ctx.repos);
    const id = newId();
    await ctx.repos.oidcPayloads.upsert(org.id, 'AuthorizationCode', id, { payload: { code: 1 }, expiresAt: at(HOUR) });
    await ctx.repos.oidcPayloads.consume(org.id, 'AuthorizationCode', id, at(1));
    await ctx.repos.oidcPayloads.upsert(org.id, 'AuthorizationCode', id, { payload: { code: 2 }, expiresAt: at(HOUR) });
    expect(await ctx.repos.oidcPayloads.find(org.id, 'AuthorizationCode', id, at(2))).toEqual({ payload: { code: 1 }, consumed: true });
  });

  it('revokes everything a grant issued, across models, and nothing of other grants', async () => {
    const org = await insertOrganization(ctx.repos);
    const grant = newId();
    const other = newId();
    const ids = { code: newId(), access: newId(), refresh: newId(), otherAccess: newId(), grantItself: newId() };
    await ctx.repos.oidcPayloads.upsert(org.id, 'AuthorizationCode', ids.code, { payload: {}, grantId: grant, expiresAt: at(HOUR) });
    await ctx.repos.oidcPayloads.upsert(org.id, 'AccessToken', ids.access, { payload: {}, grantId: grant, expiresAt: at(HOUR) });
    await ctx.repos.oidcPayloads.upsert(org.id, 'RefreshToken', ids.refresh, { payload: {}, grantId: grant, expiresAt: null });
    await ctx.repos.oidcPayloads.upsert(org.id, 'Grant', ids.grantItself, { payload: {}, grantId: grant, expiresAt: null });
    await ctx.repos.oidcPayloads.upsert(org.id, 'AccessToken', ids.otherAccess, { payload: {}, grantId: other, expiresAt: at(HOUR) });
    await ctx.repos.oidcPayloads.revokeByGrantId(org.id, grant);
    expect(await ctx.repos.oidcPayloads.find(org.id, 'AuthorizationCode', ids.code, T0)).toBeUndefined();
    expect(await ctx.repos.oidcPayloads.find(org.id, 'AccessToken', ids.access, T0)).toBeUndefined();
    expect(await ctx.repos.oidcPayloads.find(org.id, 'RefreshToken', ids.refresh, T0)).toBeUndefined();
    expect(await ctx.repos.oidcPayloads.find(org.id, 'Grant', ids.grantItself, T0)).toBeUndefined();
    expect(await ctx.repos.oidcPayloads.find(org.id, 'AccessToken', ids.otherAccess, T0)).toBeDefined();
  });

  it('deletes expired payloads of every organization, counting them, and keeps live and non-expiring ones', async () => {
    const a = await insertOrganization(ctx.repos);
    const b = await insertOrganization(ctx.repos);
    // Far in the future, after everything the other tests in this file stored.
    const base = at(10_000 * 24 * HOUR);
    const expiredA = newId();
    const expiredB = newId();
    const atBoundary = newId();
    const live = newId();
    const forever = newId();
    await ctx.repos.oidcPayloads.upsert(a.id, 'AccessToken', expiredA, { payload: {}, expiresAt: new Date(base.getTime() - HOUR) });
    await ctx.repos.oidcPayloads.upsert(b.id, 'AccessToken', expiredB, { payload: {}, expiresAt: new Date(base.getTime() - 1) });
    await ctx.repos.oidcPayloads.upsert(a.id, 'AccessToken', atBoundary, { payload: {}, expiresAt: base });
    await ctx.repos.oidcPayloads.upsert(a.id, 'AccessToken', live, { payload: {}, expiresAt: new Date(base.getTime() + 1) });
    await ctx.repos.oidcPayloads.upsert(b.id, 'Client', forever, { payload: {}, expiresAt: null });

    const before = base.getTime() - 2 * HOUR;
    const stillThere = async (orgId: string, model: string, id: string) => ctx.repos.oidcPayloads.find(orgId, model, id, new Date(before));

    // Clear what earlier tests in this file left (all expired long before), then count exactly.
    await ctx.repos.oidcPayloads.deleteExpired(new Date(before));
    expect(await ctx.repos.oidcPayloads.deleteExpired(base)).toBe(3);
    expect(await stillThere(a.id, 'AccessToken', expiredA)).toBeUndefined();
    expect(await stillThere(b.id, 'AccessToken', expiredB)).toBeUndefined();
    expect(await stillThere(a.id, 'AccessToken', atBoundary)).toBeUndefined();
    expect(await stillThere(a.id, 'AccessToken', live)).toBeDefined();
    expect(await stillThere(b.id, 'Client', forever)).toBeDefined();
    expect(await ctx.repos.oidcPayloads.deleteExpired(base)).toBe(0);
  });

  it('deleteExpired returns the exact number of rows it removed', async () => {
    const org = await insertOrganization(ctx.repos);
    const far = at(20_000 * 24 * HOUR);
    await ctx.repos.oidcPayloads.deleteExpired(far);
    for (let i = 0; i < 4; i += 1) {
      await ctx.repos.oidcPayloads.upsert(org.id, 'Session', newId(), { payload: { i }, expiresAt: new Date(far.getTime() + i * MINUTE) });
    }
    expect(await ctx.repos.oidcPayloads.deleteExpired(new Date(far.getTime() + 2 * MINUTE))).toBe(3);
    expect(await ctx.repos.oidcPayloads.deleteExpired(new Date(far.getTime() + 2 * MINUTE))).toBe(0);
  });

  describe('organization scoping', () => {
    it('never finds, consumes, destroys, revokes or overwrites a payload of organization A through organization B', async () => {
      const a = await insertOrganization(ctx.repos);
      const b = await insertOrganization(ctx.repos);
      const id = newId();
      const grant = newId();
      const stored = { payload: { owner: 'a' }, grantId: grant, uid: 'uid-a', userCode: 'CODE-AAAA', expiresAt: at(HOUR) };
      await ctx.repos.oidcPayloads.upsert(a.id, 'AccessToken', id, stored);

      expect(await ctx.repos.oidcPayloads.find(b.id, 'AccessToken', id, T0)).toBeUndefined();
      expect(await ctx.repos.oidcPayloads.findByUid(b.id, 'AccessToken', 'uid-a', T0)).toBeUndefined();
      expect(await ctx.repos.oidcPayloads.findByUserCode(b.id, 'AccessToken', 'CODE-AAAA', T0)).toBeUndefined();

      await ctx.repos.oidcPayloads.consume(b.id, 'AccessToken', id, T0);
      await ctx.repos.oidcPayloads.destroy(b.id, 'AccessToken', id);
      await ctx.repos.oidcPayloads.revokeByGrantId(b.id, grant);
      await ctx.repos.oidcPayloads.upsert(b.id, 'AccessToken', id, { payload: { owner: 'b' }, expiresAt: null }).catch(() => undefined);

      expect(await ctx.repos.oidcPayloads.find(a.id, 'AccessToken', id, T0)).toEqual({ payload: { owner: 'a' }, consumed: false });
      expect(await ctx.repos.oidcPayloads.find(b.id, 'AccessToken', id, T0)).toBeUndefined();
      // the lookup columns were not overwritten either
      expect(await ctx.repos.oidcPayloads.findByUid(a.id, 'AccessToken', 'uid-a', T0)).toBeDefined();
      expect(await ctx.repos.oidcPayloads.find(a.id, 'AccessToken', id, at(HOUR + 1))).toBeUndefined();
    });
  });
});
