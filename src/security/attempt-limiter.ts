// Brute-force protection: counts failures per key in fixed windows. In memory for a single
// instance; in Redis when REDIS_URL is set, so every instance sees the same counts.

import type { Redis } from 'ioredis';

export interface AttemptRule {
  /** Failures allowed within the window; the next attempt is refused until it ends. */
  limit: number;
  windowSeconds: number;
}

export interface AttemptLimiter {
  /** Seconds until `key` may be tried again, or 0 when it may be tried now. */
  retryAfter(key: string, rule: AttemptRule): Promise<number>;
  recordFailure(key: string, rule: AttemptRule): Promise<void>;
  reset(key: string): Promise<void>;
}

export function createMemoryAttemptLimiter(now: () => number = Date.now): AttemptLimiter {
  const windows = new Map<string, { count: number; endsAt: number }>();
  const current = (key: string) => {
    const window = windows.get(key);
    if (window && window.endsAt <= now()) {
      windows.delete(key);
      return undefined;
    }
    return window;
  };
  return {
    async retryAfter(key, rule) {
      const window = current(key);
      return window && window.count >= rule.limit ? Math.ceil((window.endsAt - now()) / 1000) : 0;
    },
    async recordFailure(key, rule) {
      const window = current(key);
      if (window) window.count += 1;
      else windows.set(key, { count: 1, endsAt: now() + rule.windowSeconds * 1000 });
      // Keep memory bounded under a spray of distinct keys: drop ended windows now and then.
      if (windows.size > 10_000) for (const k of windows.keys()) current(k);
    },
    async reset(key) {
      windows.delete(key);
    },
  };
}

export function createRedisAttemptLimiter(redis: Redis, prefix = 'tessera:attempts:'): AttemptLimiter {
  return {
    async retryAfter(key, rule) {
      const [count, ttl] = await redis.multi().get(prefix + key).pttl(prefix + key).exec().then((results) => results!.map(([, value]) => value));
      return Number(count ?? 0) >= rule.limit && Number(ttl) > 0 ? Math.ceil(Number(ttl) / 1000) : 0;
    },
    async recordFailure(key, rule) {
      // SET NX starts the window with its expiry; INCR counts within it.
      await redis
        .multi()
        .set(prefix + key, 0, 'PX', rule.windowSeconds * 1000, 'NX')
        .incr(prefix + key)
        .exec();
    },
    async reset(key) {
      await redis.del(prefix + key);
    },
  };
}
