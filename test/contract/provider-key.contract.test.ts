import { describe, expect, it } from 'vitest';
import type { SigningKey } from '../../src/repos/provider-key-repo.ts';
import { at, insertOrganization, T0, useContractDatabase } from './fixtures.ts';

function signingKey(kid: string, createdAt: Date): SigningKey {
  return {
    kid,
    algorithm: 'RS256',
    privateJwk: { kty: 'RSA', kid, alg: 'RS256', use: 'sig', n: `n-of-${kid}`, e: 'AQAB', d: `d-of-${kid}` },
    createdAt,
  };
}

describe('provider key repository', () => {
  const ctx = useContractDatabase();

  describe('signing keys', () => {
    it('round-trips every field, with the JWK parsed and the time as Date', async () => {
      const org = await insertOrganization(ctx.repos);
      const key = signingKey(`kid-${org.id}`, at(321));
      await ctx.repos.providerKeys.insertSigningKey(org.id, key);
      const [found, ...rest] = await ctx.repos.providerKeys.listSigningKeys(org.id);
      expect(rest).toEqual([]);
      expect(found).toEqual(key);
      expect(found.createdAt).toBeInstanceOf(Date);
    });

    it('lists newest first', async () => {
      const org = await insertOrganization(ctx.repos);
      const old = signingKey(`old-${org.id}`, T0);
      const newest = signingKey(`newest-${org.id}`, at(2 * 86_400_000));
      const middle = signingKey(`middle-${org.id}`, at(86_400_000));
      for (const key of [old, newest, middle]) await ctx.repos.providerKeys.insertSigningKey(org.id, key);
      expect((await ctx.repos.providerKeys.listSigningKeys(org.id)).map((k) => k.kid)).toEqual([newest.kid, middle.kid, old.kid]);
    });

    it('lists only the organization’s own keys', async () => {
      const a = await insertOrganization(ctx.repos);
      const b = await insertOrganization(ctx.repos);
      await ctx.repos.providerKeys.insertSigningKey(a.id, signingKey(`a-${a.id}`, T0));
      expect(await ctx.repos.providerKeys.listSigningKeys(b.id)).toEqual([]);
      expect(await ctx.repos.providerKeys.listSigningKeys(a.id)).toHaveLength(1);
    });

    it('refuses a second key with the same kid', async () => {
      const org = await insertOrganization(ctx.repos);
      await ctx.repos.providerKeys.insertSigningKey(org.id, signingKey(`dup-${org.id}`, T0));
      await expect(ctx.repos.providerKeys.insertSigningKey(org.id, signingKey(`dup-${org.id}`, at(1)))).rejects.toThrow();
    });
  });

  describe('cookie keys', () => {
    it('round-trips the ordered key list', async () => {
      const org = await insertOrganization(ctx.repos);
      await ctx.repos.providerKeys.insertCookieKeys(org.id, ['signing-key', 'older-key']);
      expect(await ctx.repos.providerKeys.findCookieKeys(org.id)).toEqual(['signing-key', 'older-key']);
    });

    it('finds nothing for an organization without keys, and never another organization’s', async () => {
      const a = await insertOrganization(ctx.repos);
      const b = await insertOrganization(ctx.repos);
      await ctx.repos.providerKeys.insertCookieKeys(a.id, ['a-key']);
      expect(await ctx.repos.providerKeys.findCookieKeys(b.id)).toBeUndefined();
    });

    it('keeps one key set per organization', async () => {
      const org = await insertOrganization(ctx.repos);
      await ctx.repos.providerKeys.insertCookieKeys(org.id, ['first']);
      await expect(ctx.repos.providerKeys.insertCookieKeys(org.id, ['second'])).rejects.toThrow();
      expect(await ctx.repos.providerKeys.findCookieKeys(org.id)).toEqual(['first']);
    });
  });
});
