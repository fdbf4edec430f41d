import { describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids.ts';
import { at, expectAppError, insertOrganization, rejectionOf, T0, uniqueHandle, useContractDatabase } from './fixtures.ts';

describe('organization repository', () => {
  const ctx = useContractDatabase();

  it('round-trips every field, with dates as Date', async () => {
    const org = await insertOrganization(ctx.repos, { displayName: 'Ääkkönen & Sons <Ltd>', createdAt: T0, updatedAt: at(90_000) });
    const byId = await ctx.repos.organizations.findById(org.id);
    expect(byId).toEqual(org);
    expect(byId?.createdAt).toBeInstanceOf(Date);
    expect(byId?.updatedAt).toBeInstanceOf(Date);
    expect(byId?.createdAt.getTime()).toBe(T0.getTime());
    expect(await ctx.repos.organizations.findByHandle(org.handle)).toEqual(org);
  });

  it('finds nothing for an unknown id or handle', async () => {
    expect(await ctx.repos.organizations.findById(newId())).toBeUndefined();
    expect(await ctx.repos.organizations.findByHandle(uniqueHandle('missing'))).toBeUndefined();
  });

  it('maps a duplicate handle to organization.handle_in_use and keeps the first organization', async () => {
    const first = await insertOrganization(ctx.repos, { displayName: 'First' });
    const error = await rejectionOf(insertOrganization(ctx.repos, { handle: first.handle, displayName: 'Second' }));
    const appError = expectAppError(error, 'organization.handle_in_use');
    expect(appError.status).toBe(409);
    expect(appError.cause).toBeDefined();
    expect(await ctx.repos.organizations.findByHandle(first.handle)).toEqual(first);
  });

  it('gives exactly one success and clean conflicts for concurrent creates of one handle', async () => {
    const handle = uniqueHandle('race');
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => insertOrganization(ctx.repos, { handle })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expectAppError(r.reason, 'organization.handle_in_use');
  });

  it('counts organizations', async () => {
    const before = await ctx.repos.organizations.count();
    expect(typeof before).toBe('number');
    await insertOrganization(ctx.repos);
    await insertOrganization(ctx.repos);
    expect(await ctx.repos.organizations.count()).toBe(before + 2);
  });

  it('answers ping while the database is up', async () => {
    await expect(ctx.repos.ping()).resolves.toBeUndefined();
  });
});
