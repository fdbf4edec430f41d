import { describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids.ts';
import { sha256Hex, randomToken } from '../../src/security/tokens.ts';
import {
  at,
  buildUser,
  expectAppError,
  insertGroup,
  insertOrganization,
  insertUser,
  MINUTE,
  rejectionOf,
  T0,
  useContractDatabase,
} from './fixtures.ts';

describe('user repository', () => {
  const ctx = useContractDatabase();

  describe('round-trips', () => {
    it('returns every field of a customer as inserted, dates as Date and booleans as boolean', async () => {
      const org = await insertOrganization(ctx.repos);
      const user = await insertUser(ctx.repos, org.id, {
        userName: 'ann.lee@example.test',
        givenName: 'Ann',
        familyName: "O'Brien <script>",
        accountState: 'pending',
        emailVerified: false,
        createdAt: T0,
        modifiedAt: at(1234),
        version: 7,
      });
      const found = await ctx.repos.users.findById(org.id, user.id);
      expect(found).toEqual(user);
      expect(found?.emailVerified).toBe(false);
      expect(typeof found?.emailVerified).toBe('boolean');
      expect(found?.createdAt).toBeInstanceOf(Date);
      expect(found?.modifiedAt).toBeInstanceOf(Date);
      expect(found?.modifiedAt.toISOString()).toBe(at(1234).toISOString());
      expect(found?.version).toBe(7);
    });

    it('returns an administrator with null names and a true emailVerified', async () => {
      const org = await insertOrganization(ctx.repos);
      const owner = await insertUser(ctx.repos, org.id, {
        userType: 'administrator',
        adminRole: 'owner',
        givenName: null,
        familyName: null,
        emailVerified: true,
      });
      const found = await ctx.repos.users.findByUserName(org.id, owner.userName);
      expect(found).toEqual(owner);
      expect(found?.emailVerified).toBe(true);
      expect(found?.givenName).toBeNull();
      expect(found?.familyName).toBeNull();
    });

    it('round-trips the SCIM fields (externalId, displayName, enterprise) and updates them', async () => {
      const org = await insertOrganization(ctx.repos);
      const enterprise = { employeeNumber: '701984', manager: { value: 'm-1' }, costCenter: null };
      const user = await insertUser(ctx.repos, org.id, { externalId: 'ext-42', displayName: 'Ann “Babs” Lee', enterprise });
      expect(await ctx.repos.users.findById(org.id, user.id)).toEqual(user);
      const updated = await ctx.repos.users.update(org.id, user.id, user.version, { externalId: null, displayName: 'Ann', enterprise: null }, at(1));
      expect(updated).toMatchObject({ externalId: null, displayName: 'Ann', enterprise: null });
      expect(await ctx.repos.users.findById(org.id, user.id)).toEqual(updated);
    });

    it('finds by the exact stored userName only', async () => {
      const org = await insertOrganization(ctx.repos);
      const user = await insertUser(ctx.repos, org.id, { userName: 'exact@example.test' });
      expect((await ctx.repos.users.findByUserName(org.id, 'exact@example.test'))?.id).toBe(user.id);
      expect(await ctx.repos.users.findByUserName(org.id, 'other@example.test')).toBeUndefined();
      expect(await ctx.repos.users.findById(org.id, newId())).toBeUndefined();
    });
  });

  describe('constraints', () => {
    it('refuses a customer with an admin role', async () => {
      const org = await insertOrganization(ctx.repos);
      const user = buildUser(org.id, { userType: 'customer', adminRole: 'admin' });
      await expect(ctx.repos.users.insert(user)).rejects.toThrow();
      expect(await ctx.repos.users.findById(org.id, user.id)).toBeUndefined();
    });

    // Regression: users_admin_role_check let an administrator with a null admin_role through,
    // because `null in ('owner', 'admin')` is NULL and a CHECK passes on NULL.
    it('refuses an administrator without an admin role', async () => {
      const org = await insertOrganization(ctx.repos);
      const user = buildUser(org.id, { userType: 'administrator', adminRole: null });
      await expect(ctx.repos.users.insert(user)).rejects.toThrow();
      expect(await ctx.repos.users.findById(org.id, user.id)).toBeUndefined();
    });

    it('maps a duplicate userName in one organization to user.email_in_use (409)', async () => {
      const org = await insertOrganization(ctx.repos);
      const first = await insertUser(ctx.repos, org.id, { userName: 'dup@example.test' });
      const error = expectAppError(await rejectionOf(insertUser(ctx.repos, org.id, { userName: 'dup@example.test' })), 'user.email_in_use');
      expect(error.status).toBe(409);
      expect(await ctx.repos.users.findByUserName(org.id, 'dup@example.test')).toEqual(first);
    });

    it('allows the same userName in two organizations', async () => {
      const a = await insertOrganization(ctx.repos);
      const b = await insertOrganization(ctx.repos);
      const inA = await insertUser(ctx.repos, a.id, { userName: 'shared@example.test' });
      const inB = await insertUser(ctx.repos, b.id, { userName: 'shared@example.test' });
      expect((await ctx.repos.users.findByUserName(a.id, 'shared@example.test'))?.id).toBe(inA.id);
      expect((await ctx.repos.users.findByUserName(b.id, 'shared@example.test'))?.id).toBe(inB.id);
    });

    it('gives exactly one success and 19 user.email_in_use for 20 concurrent inserts of one userName', async () => {
      const org = await insertOrganization(ctx.repos);
      const users = Array.from({ length: 20 }, () => buildUser(org.id, { userName: 'race@example.test' }));
      const results = await Promise.allSettled(users.map((u) => ctx.repos.users.insert(u)));
      const fulfilled = results.filter((r) => r.status === 'fulfilled');
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(fulfilled).toHaveLength(1);
      expect(rejected).toHaveLength(19);
      for (const r of rejected) expectAppError(r.reason, 'user.email_in_use');
      const winner = users[results.findIndex((r) => r.status === 'fulfilled')];
      expect((await ctx.repos.users.findByUserName(org.id, 'race@example.test'))?.id).toBe(winner.id);
    });
  });

  describe('optimistic update', () => {
    it('applies the given changes, bumps the version and modifiedAt, and leaves the rest alone', async () => {
      const org = await insertOrganization(ctx.repos);
      const user = await insertUser(ctx.repos, org.id, { version: 3, accountState: 'pending', emailVerified: false });
      const now = at(10 * MINUTE);
      const updated = await ctx.repos.users.update(org.id, user.id, 3, { accountState: 'active', emailVerified: true, givenName: null }, now);
      const expected = { ...user, accountState: 'active', emailVerified: true, givenName: null, version: 4, modifiedAt: now };
      expect(updated).toEqual(expected);
      expect(updated?.emailVerified).toBe(true);
      expect(updated?.modifiedAt).toBeInstanceOf(Date);
      expect(await ctx.repos.users.findById(org.id, user.id)).toEqual(expected);
    });

    it('can change an administrator role', async () => {
      const org = await insertOrganization(ctx.repos);
      const admin = await insertUser(ctx.repos, org.id, { userType: 'administrator', adminRole: 'admin' });
      const updated = await ctx.repos.users.update(org.id, admin.id, admin.version, { adminRole: 'owner' }, at(1));
      expect(updated?.adminRole).toBe('owner');
      expect((await ctx.repos.users.findById(org.id, admin.id))?.adminRole).toBe('owner');
    });

    it('returns undefined for a stale version and changes nothing', async () => {
      const org = await insertOrganization(ctx.repos);
      const user = await insertUser(ctx.repos, org.id, { version: 1 });
      expect(await ctx.repos.users.update(org.id, user.id, 1, { familyName: 'First' }, at(MINUTE))).toBeDefined();
      const stale = await ctx.repos.users.update(org.id, user.id, 1, { familyName: 'Second', accountState: 'disabled' }, at(2 * MINUTE));
      expect(stale).toBeUndefined();
      const stored = await ctx.repos.users.findById(org.id, user.id);
      expect(stored).toMatchObject({ familyName: 'First', accountState: 'active', version: 2 });
      expect(stored?.modifiedAt.getTime()).toBe(at(MINUTE).getTime());
    });

    it('lets exactly one of several concurrent updates from the same version win', async () => {
      const org = await insertOrganization(ctx.repos);
      const user = await insertUser(ctx.repos, org.id, { version: 1 });
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => ctx.repos.users.update(org.id, user.id, 1, { givenName: `Writer ${i}` }, at(i))),
      );
      const winners = results.filter((r) => r !== undefined);
      expect(winners).toHaveLength(1);
      const stored = await ctx.repos.users.findById(org.id, user.id);
      expect(stored?.version).toBe(2);
      expect(stored?.givenName).toBe(winners[0]?.givenName);
    });

    it('returns undefined for an unknown user', async () => {
      const org = await insertOrganization(ctx.repos);
      expect(await ctx.repos.users.update(org.id, newId(), 1, { givenName: 'X' }, T0)).toBeUndefined();
    });
  });

  describe('organization scoping', () => {
    it('never finds, changes or deletes a user of organization A through organization B', async () => {
      const a = await insertOrganization(ctx.repos);
      const b = await insertOrganization(ctx.repos);
      const user = await insertUser(ctx.repos, a.id);
      expect(await ctx.repos.users.findById(b.id, user.id)).toBeUndefined();
      expect(await ctx.repos.users.findByUserName(b.id, user.userName)).toBeUndefined();
      expect(await ctx.repos.users.update(b.id, user.id, user.version, { accountState: 'disabled' }, at(MINUTE))).toBeUndefined();
      expect(await ctx.repos.users.delete(b.id, user.id)).toBe(false);
      expect(await ctx.repos.users.findById(a.id, user.id)).toEqual(user);
    });
  });

  describe('delete', () => {
    it('deletes once, and a later user with the same email is a new row', async () => {
      const org = await insertOrganization(ctx.repos);
      const user = await insertUser(ctx.repos, org.id, { userName: 'again@example.test' });
      expect(await ctx.repos.users.delete(org.id, user.id)).toBe(true);
      expect(await ctx.repos.users.delete(org.id, user.id)).toBe(false);
      expect(await ctx.repos.users.findById(org.id, user.id)).toBeUndefined();
      const reborn = await insertUser(ctx.repos, org.id, { userName: 'again@example.test' });
      expect(reborn.id).not.toBe(user.id);
      expect((await ctx.repos.users.findByUserName(org.id, 'again@example.test'))?.id).toBe(reborn.id);
    });

    it('removes the user’s memberships, password credential and one-time links, and nobody else’s', async () => {
      const org = await insertOrganization(ctx.repos);
      const doomed = await insertUser(ctx.repos, org.id);
      const survivor = await insertUser(ctx.repos, org.id);
      const group = await insertGroup(ctx.repos, org.id);
      await ctx.repos.groups.addMembers(org.id, group.id, [doomed.id, survivor.id], T0);
      for (const u of [doomed, survivor]) {
        await ctx.repos.credentials.setPassword(org.id, u.id, `hash-of-${u.id}`, { isTemporary: false, expiresAt: null, now: T0 });
      }
      const doomedToken = sha256Hex(randomToken());
      const survivorToken = sha256Hex(randomToken());
      await ctx.repos.links.insert({ id: newId(), orgId: org.id, userId: doomed.id, purpose: 'set_password', tokenHash: doomedToken, expiresAt: at(MINUTE), createdAt: T0 });
      await ctx.repos.links.insert({ id: newId(), orgId: org.id, userId: survivor.id, purpose: 'set_password', tokenHash: survivorToken, expiresAt: at(MINUTE), createdAt: T0 });

      expect(await ctx.repos.users.delete(org.id, doomed.id)).toBe(true);

      expect(await ctx.repos.groups.listMemberIds(org.id, group.id)).toEqual([survivor.id]);
      expect(await ctx.repos.groups.listGroupsOfUser(org.id, doomed.id)).toEqual([]);
      expect(await ctx.repos.credentials.findPassword(org.id, doomed.id)).toBeUndefined();
      expect(await ctx.repos.links.findByTokenHash('set_password', doomedToken)).toBeUndefined();
      expect((await ctx.repos.users.listEmails(org.id, [doomed.id])).get(doomed.id)).toEqual([]);

      expect(await ctx.repos.credentials.findPassword(org.id, survivor.id)).toBeDefined();
      expect(await ctx.repos.links.findByTokenHash('set_password', survivorToken)).toBeDefined();
      expect(await ctx.repos.groups.findById(org.id, group.id)).toEqual(group);
    });
  });

  describe('a page with its details in one statement (PostgreSQL)', () => {
    it('answers what the page query and the separate reads of addresses, groups and flags answer', async (test) => {
      if (!ctx.repos.users.listsWithDetails) return test.skip();
      const org = await insertOrganization(ctx.repos);
      const ann = await insertUser(ctx.repos, org.id, { userName: 'ann@example.test', createdAt: at(1) });
      const bob = await insertUser(ctx.repos, org.id, { userName: 'bob@example.test', createdAt: at(2) });
      await ctx.repos.users.replaceEmails(org.id, ann, [{ value: 'ann.home@example.org', type: 'home', primary: false }, { value: 'a.work@example.org', type: 'work', primary: false }]);
      const zeta = await insertGroup(ctx.repos, org.id, { displayName: 'Zeta' });
      const alpha = await insertGroup(ctx.repos, org.id, { displayName: 'alpha' });
      await ctx.repos.groups.addMembers(org.id, zeta.id, [ann.id], T0);
      await ctx.repos.groups.addMembers(org.id, alpha.id, [ann.id], T0);
      await ctx.repos.credentials.setPassword(org.id, bob.id, 'phc', { isTemporary: true, expiresAt: null, now: T0 });

      const query = { sort: { column: 'created_at', direction: 'asc' }, limit: 10 } as const;
      const detailed = await ctx.repos.users.listWithDetails(org.id, query);
      const users = await ctx.repos.users.list(org.id, query);
      const ids = users.map((u) => u.id);
      const [emails, groups, temporary] = await Promise.all([
        ctx.repos.users.listEmails(org.id, ids),
        ctx.repos.groups.listGroupsOfUsers(org.id, ids),
        ctx.repos.credentials.usersWithTemporaryPassword(org.id, ids),
      ]);
      expect(detailed).toEqual(
        users.map((user) => ({
          user,
          emails: emails.get(user.id),
          groups: (groups.get(user.id) ?? []).map((g) => ({ id: g.id, displayName: g.displayName })),
          temporaryPassword: temporary.has(user.id),
        })),
      );
      expect(detailed[0].groups.map((g) => g.displayName)).toEqual(['alpha', 'Zeta']);
      expect(detailed[0].emails.map((e) => e.value)).toEqual(['ann@example.test', 'a.work@example.org', 'ann.home@example.org']);
      expect(detailed[1].temporaryPassword).toBe(true);
    });
  });
});
