import { describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids.ts';
import type { NewApplication } from '../../src/repos/application-repo.ts';
import { at, insertOrganization, T0, useContractDatabase } from './fixtures.ts';

function newApplication(orgId: string, overrides: Partial<NewApplication> = {}): NewApplication {
  return {
    id: newId(),
    orgId,
    name: 'Storefront',
    type: 'web',
    clientSecretHash: 'f'.repeat(64),
    redirectUris: ['https://shop.example/callback', 'https://shop.example/cb?x=1&y=2'],
    postLogoutRedirectUris: ['https://shop.example/'],
    allowedOrigins: ['https://admin.shop.example'],
    scopes: ['openid', 'profile', 'email'],
    description: 'The shop',
    builtIn: null,
    accessRestricted: false,
    allowedGroupIds: [],
    createdAt: T0,
    updatedAt: at(99),
    ...overrides,
  };
}

function publicView(app: NewApplication) {
  const { clientSecretHash, ...rest } = app;
  return { ...rest, hasSecret: clientSecretHash !== null };
}

describe('application repository', () => {
  const ctx = useContractDatabase();

  it('round-trips every field of a confidential client and reports hasSecret true, as a boolean', async () => {
    const org = await insertOrganization(ctx.repos);
    const app = newApplication(org.id);
    await ctx.repos.applications.insert(app);
    const found = await ctx.repos.applications.findById(org.id, app.id);
    expect(found).toEqual(publicView(app));
    expect(found?.hasSecret).toBe(true);
    expect(found?.createdAt).toBeInstanceOf(Date);
    expect(found?.updatedAt).toBeInstanceOf(Date);
  });

  it('reports hasSecret false for a public client, and keeps empty lists empty', async () => {
    const org = await insertOrganization(ctx.repos);
    const app = newApplication(org.id, { type: 'spa', clientSecretHash: null, postLogoutRedirectUris: [], scopes: [] });
    await ctx.repos.applications.insert(app);
    const found = await ctx.repos.applications.findById(org.id, app.id);
    expect(found).toEqual(publicView(app));
    expect(found?.hasSecret).toBe(false);
    expect(found?.scopes).toEqual([]);
    expect(found?.postLogoutRedirectUris).toEqual([]);
  });

  it('never exposes the secret hash, by key or by value', async () => {
    const org = await insertOrganization(ctx.repos);
    const secretHash = 'c0ffee'.repeat(10) + 'beef';
    const app = newApplication(org.id, { clientSecretHash: secretHash, type: 'm2m', redirectUris: [] });
    await ctx.repos.applications.insert(app);
    const found = await ctx.repos.applications.findById(org.id, app.id);
    const listed = await ctx.repos.applications.listForOrganization(org.id);
    for (const view of [found, ...listed]) {
      expect(view).toBeDefined();
      expect(Object.keys(view!).sort()).toEqual(
        [
          'id', 'orgId', 'name', 'description', 'type', 'builtIn', 'hasSecret', 'redirectUris', 'postLogoutRedirectUris', 'allowedOrigins', 'scopes',
          'accessRestricted', 'allowedGroupIds', 'createdAt', 'updatedAt',
        ].sort(),
      );
      expect(JSON.stringify(view)).not.toContain(secretHash);
    }
    expect((await ctx.repos.credentials.findClientForAuthentication(org.id, app.id))?.clientSecretHash).toBe(secretHash);
  });

  it('lists an organization’s applications oldest first, and only its own', async () => {
    const a = await insertOrganization(ctx.repos);
    const b = await insertOrganization(ctx.repos);
    const second = newApplication(a.id, { name: 'Second', createdAt: at(2000) });
    const first = newApplication(a.id, { name: 'First', createdAt: at(1000), clientSecretHash: null, type: 'spa' });
    const other = newApplication(b.id, { name: 'Other' });
    for (const app of [second, first, other]) await ctx.repos.applications.insert(app);
    expect(await ctx.repos.applications.listForOrganization(a.id)).toEqual([publicView(first), publicView(second)]);
    expect(await ctx.repos.applications.listForOrganization(b.id)).toEqual([publicView(other)]);
  });

  it('never finds an application of organization A through organization B', async () => {
    const a = await insertOrganization(ctx.repos);
    const b = await insertOrganization(ctx.repos);
    const app = newApplication(a.id);
    await ctx.repos.applications.insert(app);
    expect(await ctx.repos.applications.findById(b.id, app.id)).toBeUndefined();
    expect(await ctx.repos.applications.findById(a.id, newId())).toBeUndefined();
  });

  it('refuses an unknown application type and an unknown organization', async () => {
    const org = await insertOrganization(ctx.repos);
    await expect(ctx.repos.applications.insert(newApplication(org.id, { type: 'native' as never }))).rejects.toThrow();
    await expect(ctx.repos.applications.insert(newApplication(newId()))).rejects.toThrow();
  });

  it('lists the redirect URIs and allowed origins of an organization’s applications only', async () => {
    const org = await insertOrganization(ctx.repos);
    const other = await insertOrganization(ctx.repos);
    await ctx.repos.applications.insert(newApplication(org.id));
    await ctx.repos.applications.insert(newApplication(other.id, { redirectUris: ['https://other.example/cb'], allowedOrigins: [] }));
    expect(await ctx.repos.applications.listOriginSources(org.id)).toEqual([
      { redirectUris: ['https://shop.example/callback', 'https://shop.example/cb?x=1&y=2'], allowedOrigins: ['https://admin.shop.example'] },
    ]);
  });
});
