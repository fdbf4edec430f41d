// Attacks pinned (issue 10 item 4):
// - 60 wrong passwords for one account sent at once were all hashed (the limiter checked,
//   hashed, then recorded): now at most the limit is hashed, across two instances sharing Redis;
// - 10 failures for an email from anywhere locked the owner out for 15 minutes: now the strict
//   limit is per (account, client address), so a stranger locks out only their own address;
// - the per-address key was shared by every organization: now one organization's spray does
//   not throttle the same address in another;
// - a distributed guesser (many addresses, one account) is slowed by growing delays and stopped
//   by a much higher account-wide limit.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSystem, type System } from '../../src/system.ts';
import { createSignInService } from '../../src/services/sign-in-service.ts';
import { Redis } from 'ioredis';
import { createMemoryAttemptLimiter, createRedisAttemptLimiter } from '../../src/security/attempt-limiter.ts';
import { busyHashingError } from '../../src/security/bounded-hasher.ts';
import { DELAY_AFTER_ACCOUNT_FAILURES, MAX_SIGN_IN_DELAY_MS, SIGN_IN_LIMITS, signInDelayMs } from '../../src/services/sign-in-limits.ts';
import type { Organization } from '../../src/repos/organization-repo.ts';
import { countingHasher, createOrganization, createTestSystem, OWNER_PASSWORD, type TestSystem } from '../support/system.ts';

const from = (clientIp: string) => ({ actor: { type: 'anonymous' as const }, clientIp });

describe('sign-in limits', () => {
  let first: TestSystem;
  let second: System;
  let acme: Organization;
  let globex: Organization;
  const { hasher, counts } = countingHasher();
  // With Redis (CI) two instances share the counts; without it one instance takes every request.
  const redisUrl = process.env.REDIS_URL;
  let secondRedis: Redis | undefined;

  beforeAll(async () => {
    first = await createTestSystem({ hasher, env: redisUrl ? { REDIS_URL: redisUrl } : {} });
    if (redisUrl) {
      // The second instance: the same database, its own Redis connection.
      secondRedis = new Redis(redisUrl, { lazyConnect: true });
      await secondRedis.connect();
      // Both connections ready before the first guess: a limiter without Redis counts locally.
      if (first.redis!.status !== 'ready') await new Promise((resolve) => first.redis!.once('ready', resolve));
      second = await openSystem({ ...first.config, redisUrl: undefined }, { db: first.db, migrate: false, hasher, limiter: createRedisAttemptLimiter(secondRedis) });
    } else {
      second = first;
    }
    acme = (await createOrganization(first, 'acme')).organization;
    globex = (await createOrganization(first, 'globex')).organization;
  });
  afterAll(async () => {
    if (second !== first) {
      // The second instance shares the first one's database: close only what is its own.
      await second.mail.stop();
      await second.mail.transport.close();
      await secondRedis?.quit();
    }
    await first.close();
  });

  it('hashes at most the limit of 60 parallel guesses at one account, across two instances', async () => {
    const before = counts.verify;
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => [first, second][i % 2].services.signIn.authenticate(acme.id, 'owner@acme.test', `wrong guess ${i}`, from('10.0.0.1'))),
    );
    expect(results.filter((r) => r.outcome === 'invalid_credentials')).toHaveLength(SIGN_IN_LIMITS.accountFromAddress.limit);
    expect(results.filter((r) => r.outcome === 'throttled')).toHaveLength(60 - SIGN_IN_LIMITS.accountFromAddress.limit);
    expect(counts.verify - before).toBe(SIGN_IN_LIMITS.accountFromAddress.limit);
  });

  it('locks out only the guessing address: the owner still signs in from their own', async () => {
    const stranger = from('10.0.0.66');
    for (let i = 0; i < SIGN_IN_LIMITS.accountFromAddress.limit; i += 1) {
      expect((await first.services.signIn.authenticate(acme.id, 'owner@acme.test', `guess ${i}`, stranger)).outcome).toBe('invalid_credentials');
    }
    expect((await first.services.signIn.authenticate(acme.id, 'owner@acme.test', OWNER_PASSWORD, stranger)).outcome).toBe('throttled');
    expect((await second.services.signIn.authenticate(acme.id, 'owner@acme.test', OWNER_PASSWORD, from('10.0.0.7'))).outcome).toBe('success');
  });

  it('throttles a spray from one address within one organization only', async () => {
    const sprayer = from('10.0.0.9');
    for (let i = 0; i < SIGN_IN_LIMITS.address.limit; i += 1) {
      expect((await first.services.signIn.authenticate(acme.id, `person-${i}@acme.test`, 'Spring2026!', sprayer)).outcome).toBe('invalid_credentials');
    }
    expect((await first.services.signIn.authenticate(acme.id, 'someone-else@acme.test', 'Spring2026!', sprayer)).outcome).toBe('throttled');
    expect((await first.services.signIn.authenticate(globex.id, 'owner@globex.test', OWNER_PASSWORD, sprayer)).outcome).toBe('success');
  });

  it('answers a much-guessed account after growing delays, and stops a distributed guesser at the account-wide limit', async () => {
    const delays: number[] = [];
    // A service of its own, so the delays are recorded instead of waited out.
    const signIn = createSignInService({ repos: first.repos, hasher, clock: first.clock, limiter: createMemoryAttemptLimiter(), pause: async (ms) => void delays.push(ms) });
    const perAddress = SIGN_IN_LIMITS.accountFromAddress.limit;
    const addresses = SIGN_IN_LIMITS.account.limit / perAddress;
    for (let a = 0; a < addresses; a += 1) {
      const results = await Promise.all(Array.from({ length: perAddress }, (_, i) => signIn.authenticate(acme.id, 'owner@acme.test', `distributed ${a}-${i}`, from(`10.1.${a >> 8}.${a & 255}`))));
      expect(results.every((r) => r.outcome === 'invalid_credentials')).toBe(true);
    }
    expect(delays).toHaveLength(SIGN_IN_LIMITS.account.limit - DELAY_AFTER_ACCOUNT_FAILURES);
    expect([...delays].sort((x, y) => x - y).slice(0, 3)).toEqual([signInDelayMs(21), signInDelayMs(22), signInDelayMs(23)]);
    expect(Math.max(...delays)).toBe(MAX_SIGN_IN_DELAY_MS);
    const stopped = await signIn.authenticate(acme.id, 'owner@acme.test', OWNER_PASSWORD, from('10.2.0.1'));
    expect(stopped).toMatchObject({ outcome: 'throttled' });
  });

  it('grows the delay step by step up to its ceiling', () => {
    expect(signInDelayMs(DELAY_AFTER_ACCOUNT_FAILURES)).toBe(0);
    expect(signInDelayMs(DELAY_AFTER_ACCOUNT_FAILURES + 1)).toBeGreaterThan(0);
    expect(signInDelayMs(DELAY_AFTER_ACCOUNT_FAILURES + 2)).toBeGreaterThan(signInDelayMs(DELAY_AFTER_ACCOUNT_FAILURES + 1));
    expect(signInDelayMs(10_000)).toBe(MAX_SIGN_IN_DELAY_MS);
  });

  it('gives back the attempts a busy hasher turned away: a burst behind one address does not lock its users out', async () => {
    const limiter = createMemoryAttemptLimiter();
    const busy = { ...hasher, verify: async () => Promise.reject(busyHashingError()) };
    const whileBusy = createSignInService({ repos: first.repos, hasher: busy, clock: first.clock, limiter });
    const beyondTheLimit = SIGN_IN_LIMITS.accountFromAddress.limit + 5;
    for (let i = 0; i < beyondTheLimit; i++) {
      await expect(whileBusy.authenticate(acme.id, 'owner@acme.test', OWNER_PASSWORD, from('10.9.0.1'))).rejects.toMatchObject({ code: 'request.throttled', status: 429 });
    }
    const owner = (await first.repos.users.findByUserName(acme.id, 'owner@acme.test'))!;
    for (let i = 0; i < beyondTheLimit; i++) {
      await expect(whileBusy.confirmPassword(owner, OWNER_PASSWORD, from('10.9.0.1'))).rejects.toMatchObject({ code: 'request.throttled' });
    }

    const onceFree = createSignInService({ repos: first.repos, hasher, clock: first.clock, limiter });
    expect(await onceFree.authenticate(acme.id, 'owner@acme.test', OWNER_PASSWORD, from('10.9.0.1'))).toMatchObject({ outcome: 'success' });
  });
});
