import { describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids.ts';
import { at, buildGroup, expectAppError, insertGroup, insertOrganization, insertUser, rejectionOf, T0, useContractDatabase } from './fixtures.ts';

describe('group repository', () => {
  const ctx = useContractDatabase();

  describe('round-trips and lookups', () => {
    it('returns every field as inserted, dates as Date', async () => {
      const org = await insertOrganization(ctx.repos);
      const group = await insertGroup(ctx.repos, org.id, { displayName: 'Gold <Members> & Friends', createdAt: T0, modifiedAt: at(777), version: 5 });
      const found = await ctx.repos.groups.findById(org.id, group.id);
      expect(found).toEqual(group);
      expect(found?.createdAt).toBeInstanceOf(Date);
      expect(found?.modifiedAt).toBeInstanceOf(Date);
    });

    it('round-trips an externalId', async () => {
      const org = await insertOrganization(ctx.repos);
      const group = await insertGroup(ctx.repos, org.id, { externalId: 'ext-group-7' });
      expect(await ctx.repos.groups.findById(org.id, group.id)).toEqual(group);
    });

    it('finds a group by name regardless of case, keeping the stored display name', async () => {
      const org = await insertOrganization(ctx.repos);
      const group = await insertGroup(ctx.repos, org.id, { displayName: 'Platinum Tier' });
      expect(await ctx.repos.groups.findByName(org.id, 'platinum tier')).toEqual(group);
      expect(await ctx.repos.groups.findByName(org.id, 'PLATINUM TIER')).toEqual(group);
      expect(await ctx.repos.groups.findByName(org.id, 'Platinum')).toBeUndefined();
      expect(await ctx.repos.groups.findById(org.id, newId())).toBeUndefined();
    });
  });

  describe('unique names', () => {
    it('maps a duplicate name to group.name_in_use (409)', async () => {
      const org = await insertOrganization(ctx.repos);
      const first = await insertGroup(ctx.repos, org.id, { displayName: 'Gold' });
      const error = expectAppError(await rejectionOf(insertGroup(ctx.repos, org.id, { displayName: 'Gold' })), 'group.name_in_use');
      expect(error.status).toBe(409);
      expect(await ctx.repos.groups.findByName(org.id, 'Gold')).toEqual(first);
    });

    it('treats names that differ only in case as the same name', async () => {
      const org = await insertOrganization(ctx.repos);
      await insertGroup(ctx.repos, org.id, { displayName: 'Gold' });
      expectAppError(await rejectionOf(insertGroup(ctx.repos, org.id, { displayName: 'gold' })), 'group.name_in_use');
      expectAppError(await rejectionOf(insertGroup(ctx.repos, org.id, { displayName: 'GOLD' })), 'group.name_in_use');
      await insertGroup(ctx.repos, org.id, { displayName: 'Ärzte' });
      expectAppError(await rejectionOf(insertGroup(ctx.repos, org.id, { displayName: 'äRZTE' })), 'group.name_in_use');
    });

    it('allows one name in two organizations', async () => {
      const a = await insertOrganization(ctx.repos);
      const b = await insertOrganization(ctx.repos);
      const inA = await insertGroup(ctx.repos, a.id, { displayName: 'Silver' });
      const inB = await insertGroup(ctx.repos, b.id, { displayName: 'silver' });
      expect((await ctx.repos.groups.findByName(a.id, 'SILVER'))?.id).toBe(inA.id);
      expect((await ctx.repos.groups.findByName(b.id, 'SILVER'))?.id).toBe(inB.id);
    });

    it('gives one success and clean conflicts for concurrent creates differing only in case', async () => {
      const org = await insertOrganization(ctx.repos);
      const names = ['Bronze', 'bronze', 'BRONZE', 'bRoNzE', 'Bronze', 'bronzE', 'BRonze', 'broNZE'];
      const results = await Promise.allSettled(names.map((displayName) => ctx.repos.groups.insert(buildGroup(org.id, { displayName }))));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expectAppError(r.reason, 'group.name_in_use');
    });
  });

  describe('members', () => {
    it('adds members idempotently, even when one call repeats a user, and lists them', async () => {
      const org = await insertOrganization(ctx.repos);
      const group = await insertGroup(ctx.repos, org.id);
      const [u1, u2, u3] = await Promise.all([1, 2, 3].map(() => insertUser(ctx.repos, org.id)));
      await ctx.repos.groups.addMembers(org.id, group.id, [u1.id, u2.id], T0);
      await ctx.repos.groups.addMembers(org.id, group.id, [u2.id, u3.id, u3.id], at(1));
      await ctx.repos.groups.addMembers(org.id, group.id, [], at(2));
      expect(await ctx.repos.groups.listMemberIds(org.id, group.id)).toEqual([u1.id, u2.id, u3.id].sort());
    });

    it('removes only the named members; an empty list removes nothing', async () => {
      const org = await insertOrganization(ctx.repos);
      const group = await insertGroup(ctx.repos, org.id);
      const [u1, u2, u3] = await Promise.all([1, 2, 3].map(() => insertUser(ctx.repos, org.id)));
      await ctx.repos.groups.addMembers(org.id, group.id, [u1.id, u2.id, u3.id], T0);
      await ctx.repos.groups.removeMembers(org.id, group.id, []);
      expect(await ctx.repos.groups.listMemberIds(org.id, group.id)).toHaveLength(3);
      await ctx.repos.groups.removeMembers(org.id, group.id, [u1.id, u3.id, newId()]);
      expect(await ctx.repos.groups.listMemberIds(org.id, group.id)).toEqual([u2.id]);
    });

    it('lists the groups of a user by display name, as full groups', async () => {
      const org = await insertOrganization(ctx.repos);
      const user = await insertUser(ctx.repos, org.id);
      const other = await insertUser(ctx.repos, org.id);
      const charlie = await insertGroup(ctx.repos, org.id, { displayName: 'Charlie' });
      const alpha = await insertGroup(ctx.repos, org.id, { displayName: 'Alpha' });
      const bravo = await insertGroup(ctx.repos, org.id, { displayName: 'Bravo' });
      await ctx.repos.groups.addMembers(org.id, charlie.id, [user.id], T0);
      await ctx.repos.groups.addMembers(org.id, alpha.id, [user.id], T0);
      await ctx.repos.groups.addMembers(org.id, bravo.id, [other.id], T0);
      const groups = await ctx.repos.groups.listGroupsOfUser(org.id, user.id);
      expect(groups).toEqual([alpha, charlie]);
      expect(groups[0].createdAt).toBeInstanceOf(Date);
      expect(await ctx.repos.groups.listGroupsOfUser(org.id, newId())).toEqual([]);
    });

    it('deleting a group removes its memberships but not its members', async () => {
      const org = await insertOrganization(ctx.repos);
      const group = await insertGroup(ctx.repos, org.id);
      const keep = await insertGroup(ctx.repos, org.id);
      const user = await insertUser(ctx.repos, org.id);
      await ctx.repos.groups.addMembers(org.id, group.id, [user.id], T0);
      await ctx.repos.groups.addMembers(org.id, keep.id, [user.id], T0);
      expect(await ctx.repos.groups.delete(org.id, group.id)).toBe(true);
      expect(await ctx.repos.groups.delete(org.id, group.id)).toBe(false);
      expect(await ctx.repos.groups.findById(org.id, group.id)).toBeUndefined();
      expect(await ctx.repos.groups.listMemberIds(org.id, group.id)).toEqual([]);
      expect(await ctx.repos.groups.listGroupsOfUser(org.id, user.id)).toEqual([keep]);
      expect(await ctx.repos.users.findById(org.id, user.id)).toEqual(user);
    });

    it('frees the name of a deleted group for a new one', async () => {
      const org = await insertOrganization(ctx.repos);
      const old = await insertGroup(ctx.repos, org.id, { displayName: 'Reused' });
      await ctx.repos.groups.delete(org.id, old.id);
      const fresh = await insertGroup(ctx.repos, org.id, { displayName: 'reused' });
      expect((await ctx.repos.groups.findByName(org.id, 'Reused'))?.id).toBe(fresh.id);
    });
  });

  describe('organization scoping', () => {
    it('never finds, lists, changes or deletes a group of organization A through organization B', async () => {
      const a = await insertOrganization(ctx.repos);
      const b = await insertOrganization(ctx.repos);
      const group = await insertGroup(ctx.repos, a.id, { displayName: 'Scoped' });
      const user = await insertUser(ctx.repos, a.id);
      await ctx.repos.groups.addMembers(a.id, group.id, [user.id], T0);

      expect(await ctx.repos.groups.findById(b.id, group.id)).toBeUndefined();
      expect(await ctx.repos.groups.findByName(b.id, 'Scoped')).toBeUndefined();
      expect(await ctx.repos.groups.listMemberIds(b.id, group.id)).toEqual([]);
      expect(await ctx.repos.groups.listGroupsOfUser(b.id, user.id)).toEqual([]);
      await ctx.repos.groups.removeMembers(b.id, group.id, [user.id]);
      expect(await ctx.repos.groups.delete(b.id, group.id)).toBe(false);

      expect(await ctx.repos.groups.findById(a.id, group.id)).toEqual(group);
      expect(await ctx.repos.groups.listMemberIds(a.id, group.id)).toEqual([user.id]);
    });
  });
});
