// Issue 17: under a burst of password work, argon2id queued ahead of everything on libuv's
// thread pool. Hashing is now bounded (security/bounded-hasher.ts): a few at once, a bounded
// queue, and past it an immediate 429 with Retry-After instead of a request left waiting.
// The latency of health probes and static files under such a burst is measured by
// bench/health-under-burst.ts (docs/benchmarks.md §10), not here.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createPasswordHasher, OWASP_ARGON2ID } from '../../src/security/password-hasher.ts';
import { boundHashing, MAX_WAITING_HASHES } from '../../src/security/bounded-hasher.ts';
import { createScimTestBed, newUser, scimClient, type ScimTestBed } from '../support/scim.ts';
import { TEST_ARGON2 } from '../support/system.ts';

describe('a burst of password hashing', () => {
  it('runs the bounded number at once, queues a bounded number, and turns the rest away at once', async () => {
    const hasher = boundHashing(createPasswordHasher(TEST_ARGON2), { concurrency: 1, maxWaiting: 3 });
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => hasher.hash(`burst password ${i}`)));
    const refused = results.filter((r) => r.status === 'rejected');
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(3);
    expect(refused.length).toBeGreaterThan(10);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'request.throttled', status: 429 });
    // Once the queue drains it accepts work again.
    await expect(hasher.hash('after the burst')).resolves.toMatch(/^\$argon2id\$/);
  });

  describe('through SCIM, with production argon2id parameters', () => {
    let bed: ScimTestBed;
    let acme: Awaited<ReturnType<typeof scimClient>>;
    let app: FastifyInstance;

    beforeAll(async () => {
      // Admission control (routes/admission.ts) would queue this burst before it reached the
      // hasher; opened wide here, so that the hashing bound is what answers.
      bed = await createScimTestBed({ hasher: createPasswordHasher(OWASP_ARGON2ID) }, { admission: { admitted: 1024, maxQueued: 1024, maxQueuedMs: 60_000 } });
      acme = await scimClient(bed, 'acme');
      app = bed.app;
    });
    afterAll(() => bed?.close());

    it('answers every request of a burst: created, or 429 with Retry-After, never a 500', async () => {
      const burst = MAX_WAITING_HASHES * 2 + 16;
      const statuses = await Promise.all(
        Array.from({ length: burst }, async (_, i) => {
          const res = await acme.request('POST', '/Users', newUser(`burst${i}@acme.test`, { password: `a burst of passphrases number ${i}` }));
          if (res.statusCode === 429) expect(res.headers['retry-after']).toBe('2');
          return res.statusCode;
        }),
      );
      expect(statuses.filter((s) => s !== 201 && s !== 429)).toEqual([]);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
      expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(MAX_WAITING_HASHES);
      expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    });
  });
});
