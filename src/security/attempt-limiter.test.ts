import crypto from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createMemoryAttemptLimiter, createRedisAttemptLimiter, type AttemptLimiter } from './attempt-limiter.ts';

const rule = { limit: 3, windowSeconds: 60 };

function contract(name: string, make: () => { limiter: AttemptLimiter; advance?: (ms: number) => void }) {
  describe(`${name} attempt limiter`, () => {
    it('allows attempts until the limit of failures, then asks to wait', async () => {
      const { limiter } = make();
      const key = crypto.randomUUID();
      for (let i = 0; i < rule.limit; i += 1) {
        expect(await limiter.retryAfter(key, rule)).toBe(0);
        await limiter.recordFailure(key, rule);
      }
      const wait = await limiter.retryAfter(key, rule);
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(rule.windowSeconds);
    });

    it('counts keys separately and forgets a key on reset', async () => {
      const { limiter } = make();
      const [a, b] = [crypto.randomUUID(), crypto.randomUUID()];
      for (let i = 0; i < rule.limit; i += 1) await limiter.recordFailure(a, rule);
      expect(await limiter.retryAfter(b, rule)).toBe(0);
      await limiter.reset(a);
      expect(await limiter.retryAfter(a, rule)).toBe(0);
    });
  });
}

let now = 1_000_000;
contract('memory', () => ({ limiter: createMemoryAttemptLimiter(() => now) }));

describe('memory attempt limiter windows', () => {
  it('opens again when the window ends', async () => {
    const limiter = createMemoryAttemptLimiter(() => now);
    for (let i = 0; i < rule.limit; i += 1) await limiter.recordFailure('k', rule);
    expect(await limiter.retryAfter('k', rule)).toBe(60);
    now += 60_000;
    expect(await limiter.retryAfter('k', rule)).toBe(0);
  });
});

// CI sets REDIS_URL (and starts Redis); a bare `npm test` on a fresh machine has no Redis.
const redisUrl = process.env.REDIS_URL;
describe.runIf(redisUrl)('redis', () => {
  const redis = new Redis(redisUrl ?? '', { lazyConnect: true });
  afterAll(() => redis.quit());
  contract('redis', () => ({ limiter: createRedisAttemptLimiter(redis, `test:${crypto.randomUUID()}:`) }));

  it('shares counts between two clients (two instances)', async () => {
    const other = new Redis(redisUrl ?? '');
    const prefix = `test:${crypto.randomUUID()}:`;
    const first = createRedisAttemptLimiter(redis, prefix);
    const second = createRedisAttemptLimiter(other, prefix);
    for (let i = 0; i < rule.limit; i += 1) await first.recordFailure('shared', rule);
    expect(await second.retryAfter('shared', rule)).toBeGreaterThan(0);
    await other.quit();
  });
});
