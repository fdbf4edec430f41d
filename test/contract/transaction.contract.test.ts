// `repos.transaction` hands the work repositories bound to one transaction: every write
// commits together or none does.

import { describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids.ts';
import { buildGroup, buildUser, expectAppError, insertOrganization, insertUser, rejectionOf, T0, useContractDatabase } from './fixtures.ts';

describe('repository transactions', () => {
  const ctx = useContractDatabase();

  it('commits every write when the work succeeds, and returns its result', async () => {
    const org = await insertOrganization(ctx.repos);
    const user = buildUser(org.id);
    const group = buildGroup(org.id);
    const result = await ctx.repos.transaction(async (tx) => {
      await tx.users.insert(user);
      await tx.groups.insert(group);
      await tx.groups.addMembers(org.id, group.id, [user.id], T0);
      // reads inside the transaction see its own writes
      expect(await tx.users.findById(org.id, user.id)).toEqual(user);
      return 'done';
    });
    expect(result).toBe('done');
    expect(await ctx.repos.users.findById(org.id, user.id)).toEqual(user);
    expect(await ctx.repos.groups.listMemberIds(org.id, group.id)).toEqual([user.id]);
  });

  it('rolls back every write when the work throws, and rethrows the same error', async () => {
    const org = await insertOrganization(ctx.repos);
    const existing = await insertUser(ctx.repos, org.id, { version: 1 });
    const user = buildUser(org.id);
    const group = buildGroup(org.id);
    const failure = new Error('work failed');
    const error = await rejectionOf(
      ctx.repos.transaction(async (tx) => {
        await tx.users.insert(user);
        await tx.groups.insert(group);
        await tx.groups.addMembers(org.id, group.id, [user.id, existing.id], T0);
        await tx.credentials.setPassword(org.id, user.id, 'hash', { isTemporary: false, expiresAt: null, now: T0 });
        await tx.users.update(org.id, existing.id, 1, { accountState: 'disabled' }, T0);
        await tx.audit.record({ orgId: org.id, occurredAt: T0, actorType: 'system', action: 'should.vanish' });
        await tx.links.insert({ id: newId(), orgId: org.id, userId: user.id, purpose: 'set_password', tokenHash: newId(), expiresAt: T0, createdAt: T0 });
        await tx.oidcPayloads.upsert(org.id, 'Session', user.id, { payload: {}, expiresAt: null });
        throw failure;
      }),
    );
    expect(error).toBe(failure);
    expect(await ctx.repos.users.findById(org.id, user.id)).toBeUndefined();
    expect(await ctx.repos.groups.findById(org.id, group.id)).toBeUndefined();
    expect(await ctx.repos.groups.listGroupsOfUser(org.id, existing.id)).toEqual([]);
    expect(await ctx.repos.credentials.findPassword(org.id, user.id)).toBeUndefined();
    expect(await ctx.repos.users.findById(org.id, existing.id)).toEqual(existing);
    expect(await ctx.repos.audit.listForOrganization(org.id)).toEqual([]);
    expect(await ctx.repos.oidcPayloads.find(org.id, 'Session', user.id, T0)).toBeUndefined();
  });

  it('rolls back the earlier writes when a constraint fails part-way, surfacing the AppError', async () => {
    const org = await insertOrganization(ctx.repos);
    const taken = await insertUser(ctx.repos, org.id);
    const fresh = buildUser(org.id);
    const error = await rejectionOf(
      ctx.repos.transaction(async (tx) => {
        await tx.users.insert(fresh);
        await tx.audit.record({ orgId: org.id, occurredAt: T0, actorType: 'system', action: 'should.vanish' });
        await tx.users.insert(buildUser(org.id, { userName: taken.userName }));
      }),
    );
    expectAppError(error, 'user.email_in_use');
    expect(await ctx.repos.users.findById(org.id, fresh.id)).toBeUndefined();
    expect(await ctx.repos.audit.listForOrganization(org.id)).toEqual([]);
  });

  it('leaves the repositories usable after a rollback', async () => {
    const org = await insertOrganization(ctx.repos);
    await rejectionOf(ctx.repos.transaction(async () => Promise.reject(new Error('nope'))));
    const user = await insertUser(ctx.repos, org.id);
    expect(await ctx.repos.users.findById(org.id, user.id)).toEqual(user);
  });
});
