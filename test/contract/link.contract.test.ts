import { describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids.ts';
import { randomToken, sha256Hex } from '../../src/security/tokens.ts';
import type { LinkPurpose } from '../../src/repos/link-repo.ts';
import type { RepoSet } from '../../src/repos/index.ts';
import { at, insertOrganization, insertUser, MINUTE, T0, useContractDatabase } from './fixtures.ts';

async function insertLink(
  repos: RepoSet,
  options: { orgId: string | null; userId: string | null; purpose?: LinkPurpose; expiresAt?: Date },
) {
  const link = {
    id: newId(),
    orgId: options.orgId,
    userId: options.userId,
    purpose: options.purpose ?? 'set_password',
    tokenHash: sha256Hex(randomToken()),
    expiresAt: options.expiresAt ?? at(30 * MINUTE),
    createdAt: T0,
  };
  await repos.links.insert(link);
  return link;
}

describe('one-time link repository', () => {
  const ctx = useContractDatabase();

  it('round-trips a user’s link by purpose and token hash, expiry as Date, unconsumed', async () => {
    const org = await insertOrganization(ctx.repos);
    const user = await insertUser(ctx.repos, org.id);
    const link = await insertLink(ctx.repos, { orgId: org.id, userId: user.id, expiresAt: at(12_345) });
    const found = await ctx.repos.links.findByTokenHash('set_password', link.tokenHash);
    expect(found).toEqual({ id: link.id, orgId: org.id, userId: user.id, purpose: 'set_password', expiresAt: at(12_345), consumed: false });
    expect(found?.expiresAt).toBeInstanceOf(Date);
    expect(found?.consumed).toBe(false);
  });

  it('round-trips an organization-less first-run link', async () => {
    const link = await insertLink(ctx.repos, { orgId: null, userId: null, purpose: 'first_run' });
    expect(await ctx.repos.links.findByTokenHash('first_run', link.tokenHash)).toMatchObject({ id: link.id, orgId: null, userId: null, purpose: 'first_run' });
  });

  it('binds a link to its purpose and its exact hash', async () => {
    const org = await insertOrganization(ctx.repos);
    const user = await insertUser(ctx.repos, org.id);
    const link = await insertLink(ctx.repos, { orgId: org.id, userId: user.id, purpose: 'set_password' });
    expect(await ctx.repos.links.findByTokenHash('first_run', link.tokenHash)).toBeUndefined();
    expect(await ctx.repos.links.findByTokenHash('set_password', sha256Hex(randomToken()))).toBeUndefined();
  });

  it('refuses two links with the same token hash', async () => {
    const link = await insertLink(ctx.repos, { orgId: null, userId: null, purpose: 'first_run' });
    await expect(ctx.repos.links.insert({ ...link, id: newId() })).rejects.toThrow();
  });

  describe('consume', () => {
    it('succeeds once, then reports false and the link reads as consumed', async () => {
      const org = await insertOrganization(ctx.repos);
      const user = await insertUser(ctx.repos, org.id);
      const link = await insertLink(ctx.repos, { orgId: org.id, userId: user.id });
      expect(await ctx.repos.links.consume(link.id, at(1))).toBe(true);
      expect(await ctx.repos.links.consume(link.id, at(2))).toBe(false);
      expect((await ctx.repos.links.findByTokenHash('set_password', link.tokenHash))?.consumed).toBe(true);
    });

    it('refuses an expired link, from its expiry instant on, and leaves it unconsumed', async () => {
      const org = await insertOrganization(ctx.repos);
      const user = await insertUser(ctx.repos, org.id);
      const link = await insertLink(ctx.repos, { orgId: org.id, userId: user.id, expiresAt: at(MINUTE) });
      expect(await ctx.repos.links.consume(link.id, at(MINUTE))).toBe(false);
      expect(await ctx.repos.links.consume(link.id, at(2 * MINUTE))).toBe(false);
      expect((await ctx.repos.links.findByTokenHash('set_password', link.tokenHash))?.consumed).toBe(false);
    });

    it('accepts a link one millisecond before it expires', async () => {
      const org = await insertOrganization(ctx.repos);
      const user = await insertUser(ctx.repos, org.id);
      const link = await insertLink(ctx.repos, { orgId: org.id, userId: user.id, expiresAt: at(MINUTE) });
      expect(await ctx.repos.links.consume(link.id, at(MINUTE - 1))).toBe(true);
    });

    it('reports false for an unknown link', async () => {
      expect(await ctx.repos.links.consume(newId(), T0)).toBe(false);
    });

    it('lets exactly one of 20 parallel calls win', async () => {
      const org = await insertOrganization(ctx.repos);
      const user = await insertUser(ctx.repos, org.id);
      const link = await insertLink(ctx.repos, { orgId: org.id, userId: user.id });
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => ctx.repos.links.consume(link.id, at(i + 1))));
      expect(results.filter((won) => won)).toHaveLength(1);
      expect(results.filter((won) => !won)).toHaveLength(19);
    });

    it('lets exactly one of 20 parallel transactions win', async () => {
      const org = await insertOrganization(ctx.repos);
      const user = await insertUser(ctx.repos, org.id);
      const link = await insertLink(ctx.repos, { orgId: org.id, userId: user.id });
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          ctx.repos.transaction(async (tx) => {
            const found = await tx.links.findByTokenHash('set_password', link.tokenHash);
            return found !== undefined && !found.consumed && (await tx.links.consume(found.id, at(i + 1)));
          }),
        ),
      );
      expect(results.filter((won) => won)).toHaveLength(1);
    });
  });

  describe('revokeUnused', () => {
    it('retires the unused links of one user and purpose only', async () => {
      const org = await insertOrganization(ctx.repos);
      const user = await insertUser(ctx.repos, org.id);
      const other = await insertUser(ctx.repos, org.id);
      const first = await insertLink(ctx.repos, { orgId: org.id, userId: user.id });
      const second = await insertLink(ctx.repos, { orgId: org.id, userId: user.id });
      const othersLink = await insertLink(ctx.repos, { orgId: org.id, userId: other.id });
      const firstRun = await insertLink(ctx.repos, { orgId: null, userId: null, purpose: 'first_run' });

      await ctx.repos.links.revokeUnused('set_password', user.id, at(1));

      for (const link of [first, second]) {
        expect((await ctx.repos.links.findByTokenHash('set_password', link.tokenHash))?.consumed).toBe(true);
        expect(await ctx.repos.links.consume(link.id, at(2))).toBe(false);
      }
      expect(await ctx.repos.links.consume(othersLink.id, at(2))).toBe(true);
      expect(await ctx.repos.links.consume(firstRun.id, at(2))).toBe(true);
    });

    it('with no user, retires only organization-less links of the purpose', async () => {
      const org = await insertOrganization(ctx.repos);
      const user = await insertUser(ctx.repos, org.id);
      const setup = await insertLink(ctx.repos, { orgId: null, userId: null, purpose: 'first_run' });
      const usersLink = await insertLink(ctx.repos, { orgId: org.id, userId: user.id, purpose: 'set_password' });
      await ctx.repos.links.revokeUnused('first_run', null, at(1));
      expect(await ctx.repos.links.consume(setup.id, at(2))).toBe(false);
      expect(await ctx.repos.links.consume(usersLink.id, at(2))).toBe(true);
    });
  });
});
