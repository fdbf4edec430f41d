import { describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids.ts';
import { at, insertOrganization, insertUser, T0, useContractDatabase } from './fixtures.ts';

describe('credential repository', () => {
  const ctx = useContractDatabase();

  describe('passwords', () => {
    it('round-trips a temporary password with its expiry, isTemporary as boolean and expiresAt as Date', async () => {
      const org = await insertOrganization(ctx.repos);
      const user = await insertUser(ctx.repos, org.id);
      const expiresAt = at(24 * 3600_000);
      await ctx.repos.credentials.setPassword(org.id, user.id, '$argon2id$temporary', { isTemporary: true, expiresAt, now: T0 });
      const found = await ctx.repos.credentials.findPassword(org.id, user.id);
      expect(found).toEqual({ userId: user.id, passwordHash: '$argon2id$temporary', isTemporary: true, expiresAt });
      expect(found?.isTemporary).toBe(true);
      expect(found?.expiresAt).toBeInstanceOf(Date);
    });

    it('replaces the password on a second set, clearing the temporary flag and expiry', async () => {
      const org = await insertOrganization(ctx.repos);
      const user = await insertUser(ctx.repos, org.id);
      await ctx.repos.credentials.setPassword(org.id, user.id, 'first', { isTemporary: true, expiresAt: at(1000), now: T0 });
      await ctx.repos.credentials.setPassword(org.id, user.id, 'second', { isTemporary: false, expiresAt: null, now: at(1) });
      const found = await ctx.repos.credentials.findPassword(org.id, user.id);
      expect(found).toEqual({ userId: user.id, passwordHash: 'second', isTemporary: false, expiresAt: null });
      expect(found?.isTemporary).toBe(false);
    });

    it('finds nothing for a user without a password', async () => {
      const org = await insertOrganization(ctx.repos);
      const user = await insertUser(ctx.repos, org.id);
      expect(await ctx.repos.credentials.findPassword(org.id, user.id)).toBeUndefined();
      expect(await ctx.repos.credentials.findPassword(org.id, newId())).toBeUndefined();
    });

    it('removes a password', async () => {
      const org = await insertOrganization(ctx.repos);
      const user = await insertUser(ctx.repos, org.id);
      await ctx.repos.credentials.setPassword(org.id, user.id, 'hash', { isTemporary: false, expiresAt: null, now: T0 });
      await ctx.repos.credentials.removePassword(org.id, user.id);
      expect(await ctx.repos.credentials.findPassword(org.id, user.id)).toBeUndefined();
    });

    it('upgrades a hash only while the row still holds the hash that was verified, keeping the temporary flag and expiry', async () => {
      const org = await insertOrganization(ctx.repos);
      const user = await insertUser(ctx.repos, org.id);
      const expiresAt = at(24 * 3600_000);
      await ctx.repos.credentials.setPassword(org.id, user.id, '$2b$imported', { isTemporary: true, expiresAt, now: T0 });
      expect(await ctx.repos.credentials.upgradePasswordHash(org.id, user.id, '$2b$imported', '$argon2id$upgraded', at(1))).toBe(true);
      expect(await ctx.repos.credentials.findPassword(org.id, user.id)).toEqual({ userId: user.id, passwordHash: '$argon2id$upgraded', isTemporary: true, expiresAt });
      // A second upgrade from the same verified hash (a parallel sign-in) finds it gone.
      expect(await ctx.repos.credentials.upgradePasswordHash(org.id, user.id, '$2b$imported', '$argon2id$other', at(2))).toBe(false);
      expect((await ctx.repos.credentials.findPassword(org.id, user.id))?.passwordHash).toBe('$argon2id$upgraded');
    });

    it('never overwrites a password changed between the verification and the upgrade', async () => {
      const org = await insertOrganization(ctx.repos);
      const user = await insertUser(ctx.repos, org.id);
      await ctx.repos.credentials.setPassword(org.id, user.id, '$2b$imported', { isTemporary: false, expiresAt: null, now: T0 });
      // Meanwhile a reset sets a new password.
      await ctx.repos.credentials.setPassword(org.id, user.id, '$argon2id$reset', { isTemporary: false, expiresAt: null, now: at(1) });
      expect(await ctx.repos.credentials.upgradePasswordHash(org.id, user.id, '$2b$imported', '$argon2id$of-the-old-password', at(2))).toBe(false);
      expect((await ctx.repos.credentials.findPassword(org.id, user.id))?.passwordHash).toBe('$argon2id$reset');
      // Nor does it create a row for a user whose password was removed.
      await ctx.repos.credentials.removePassword(org.id, user.id);
      expect(await ctx.repos.credentials.upgradePasswordHash(org.id, user.id, '$argon2id$reset', '$argon2id$x', at(3))).toBe(false);
      expect(await ctx.repos.credentials.findPassword(org.id, user.id)).toBeUndefined();
    });

    it('refuses a password for a user that does not exist', async () => {
      const org = await insertOrganization(ctx.repos);
      await expect(
        ctx.repos.credentials.setPassword(org.id, newId(), 'hash', { isTemporary: false, expiresAt: null, now: T0 }),
      ).rejects.toThrow();
    });
  });

  describe('organization scoping', () => {
    it('never finds or removes a password of organization A through organization B', async () => {
      const a = await insertOrganization(ctx.repos);
      const b = await insertOrganization(ctx.repos);
      const user = await insertUser(ctx.repos, a.id);
      await ctx.repos.credentials.setPassword(a.id, user.id, 'hash-a', { isTemporary: false, expiresAt: null, now: T0 });
      expect(await ctx.repos.credentials.findPassword(b.id, user.id)).toBeUndefined();
      await ctx.repos.credentials.removePassword(b.id, user.id);
      expect((await ctx.repos.credentials.findPassword(a.id, user.id))?.passwordHash).toBe('hash-a');
    });

    it('never upgrades a password of organization A through organization B', async () => {
      const a = await insertOrganization(ctx.repos);
      const b = await insertOrganization(ctx.repos);
      const user = await insertUser(ctx.repos, a.id);
      await ctx.repos.credentials.setPassword(a.id, user.id, 'hash-a', { isTemporary: false, expiresAt: null, now: T0 });
      expect(await ctx.repos.credentials.upgradePasswordHash(b.id, user.id, 'hash-a', 'hash-b', at(1))).toBe(false);
      expect((await ctx.repos.credentials.findPassword(a.id, user.id))?.passwordHash).toBe('hash-a');
    });

    // Regression: setPassword's upsert updated the row by user_id alone, so a call through
    // organization B overwrote the password of organization A's user.
    it('never replaces a password of organization A through organization B', async () => {
      const a = await insertOrganization(ctx.repos);
      const b = await insertOrganization(ctx.repos);
      const user = await insertUser(ctx.repos, a.id);
      await ctx.repos.credentials.setPassword(a.id, user.id, 'hash-a', { isTemporary: false, expiresAt: null, now: T0 });
      await ctx.repos.credentials
        .setPassword(b.id, user.id, 'hash-b', { isTemporary: true, expiresAt: at(1000), now: at(1) })
        .catch(() => undefined);
      expect(await ctx.repos.credentials.findPassword(a.id, user.id)).toEqual({
        userId: user.id,
        passwordHash: 'hash-a',
        isTemporary: false,
        expiresAt: null,
      });
      expect(await ctx.repos.credentials.findPassword(b.id, user.id)).toBeUndefined();
    });
  });

  describe('client secrets', () => {
    it('returns the stored secret hash of a confidential client, null for a public one, undefined for an unknown id', async () => {
      const org = await insertOrganization(ctx.repos);
      const base = { orgId: org.id, redirectUris: ['https://app.example/cb'], postLogoutRedirectUris: [], scopes: ['openid'], description: null, builtIn: null, accessRestricted: false, allowedGroupIds: [], createdAt: T0, updatedAt: T0 };
      const confidential = { ...base, id: newId(), name: 'Web', type: 'web' as const, clientSecretHash: 'a'.repeat(64) };
      const publicClient = { ...base, id: newId(), name: 'SPA', type: 'spa' as const, clientSecretHash: null };
      await ctx.repos.applications.insert(confidential);
      await ctx.repos.applications.insert(publicClient);
      const secretOf = async (id: string) => (await ctx.repos.credentials.findClientForAuthentication(org.id, id))?.clientSecretHash;
      expect(await secretOf(confidential.id)).toBe('a'.repeat(64));
      expect(await secretOf(publicClient.id)).toBeNull();
      expect(await secretOf(newId())).toBeUndefined();
      // Scoped by organization: another organization cannot authenticate this client.
      const other = await insertOrganization(ctx.repos);
      expect(await ctx.repos.credentials.findClientForAuthentication(other.id, confidential.id)).toBeUndefined();
    });
  });
});
