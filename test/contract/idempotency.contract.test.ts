// The idempotency-key repository on both engines: one claim wins (also in parallel), only the
// lease holder records or gives back the answer, an expired lease can be taken over once, an
// expired key is claimable again, and deleteExpired removes what is past its day.

import { describe, expect, it } from 'vitest';
import { randomToken, sha256Hex } from '../../src/security/tokens.ts';
import type { NewIdempotencyClaim } from '../../src/repos/idempotency-repo.ts';
import { at, insertOrganization, MINUTE, T0, useContractDatabase } from './fixtures.ts';

const DAY = 24 * 60 * MINUTE;

describe('idempotency-key repository', () => {
  const ctx = useContractDatabase();

  async function claimFor(overrides: Partial<NewIdempotencyClaim> = {}): Promise<NewIdempotencyClaim> {
    const org = await insertOrganization(ctx.repos);
    return {
      orgId: org.id,
      scope: 'application:client-1 POST /t/x/scim2/Users',
      keyHash: sha256Hex(randomToken()),
      fingerprint: sha256Hex('{}'),
      leaseToken: randomToken(16),
      lockedUntil: at(2 * MINUTE),
      createdAt: T0,
      expiresAt: at(DAY),
      ...overrides,
    };
  }

  it('lets one claim of a key win, also of parallel claims, and reads it back running', async () => {
    const claim = await claimFor();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => ctx.repos.idempotency.claim({ ...claim, leaseToken: `lease-${i}` })));
    expect(results.filter(Boolean)).toHaveLength(1);
    const found = await ctx.repos.idempotency.find(claim);
    expect(found).toMatchObject({ state: 'running', fingerprint: claim.fingerprint, answer: null, expiresAt: at(DAY), lockedUntil: at(2 * MINUTE) });
    // The same key in another scope is another key.
    expect(await ctx.repos.idempotency.claim({ ...claim, scope: 'application:client-2 POST /t/x/scim2/Users' })).toBe(true);
  });

  it('records an answer only for the lease holder and replays it', async () => {
    const claim = await claimFor();
    await ctx.repos.idempotency.claim(claim);
    const answer = { status: 201, headers: { location: 'https://x/Users/1', etag: 'W/"1"' }, body: 'sealed' };
    expect(await ctx.repos.idempotency.complete(claim, 'another-lease', answer)).toBe(false);
    expect(await ctx.repos.idempotency.complete(claim, claim.leaseToken, answer)).toBe(true);
    expect(await ctx.repos.idempotency.find(claim)).toMatchObject({ state: 'done', answer });
    // A done key cannot be given back by a stale lease.
    await ctx.repos.idempotency.release(claim, claim.leaseToken);
    expect(await ctx.repos.idempotency.find(claim)).toMatchObject({ state: 'done' });
  });

  it('gives a key back for its lease holder only', async () => {
    const claim = await claimFor();
    await ctx.repos.idempotency.claim(claim);
    await ctx.repos.idempotency.release(claim, 'another-lease');
    expect(await ctx.repos.idempotency.find(claim)).toBeDefined();
    await ctx.repos.idempotency.release(claim, claim.leaseToken);
    expect(await ctx.repos.idempotency.find(claim)).toBeUndefined();
  });

  it('lets one retry take over a running key once its lease ran out, with the same fingerprint only', async () => {
    const claim = await claimFor();
    await ctx.repos.idempotency.claim(claim);
    expect(await ctx.repos.idempotency.takeOver(claim, claim.fingerprint, at(MINUTE), 'early', at(3 * MINUTE))).toBe(false);
    expect(await ctx.repos.idempotency.takeOver(claim, sha256Hex('other'), at(3 * MINUTE), 'other-body', at(5 * MINUTE))).toBe(false);
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => ctx.repos.idempotency.takeOver(claim, claim.fingerprint, at(3 * MINUTE), `late-${i}`, at(5 * MINUTE))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    // The old holder lost its lease.
    expect(await ctx.repos.idempotency.complete(claim, claim.leaseToken, { status: 201, headers: {}, body: '' })).toBe(false);
  });

  it('makes an expired key claimable again and deletes expired keys', async () => {
    const claim = await claimFor();
    await ctx.repos.idempotency.claim(claim);
    expect(await ctx.repos.idempotency.claim({ ...claim, createdAt: at(DAY - 1), leaseToken: 'x' })).toBe(false);
    expect(await ctx.repos.idempotency.claim({ ...claim, createdAt: at(DAY), expiresAt: at(2 * DAY), leaseToken: 'y' })).toBe(true);
    const other = await claimFor();
    await ctx.repos.idempotency.claim(other);
    const deleted = await ctx.repos.idempotency.deleteExpired(at(DAY + 1));
    expect(deleted).toBeGreaterThanOrEqual(1);
    expect(await ctx.repos.idempotency.find(other)).toBeUndefined();
    expect(await ctx.repos.idempotency.find(claim)).toMatchObject({ expiresAt: at(2 * DAY) });
  });
});
