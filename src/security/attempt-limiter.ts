// Brute-force protection: counts attempts per key in fixed windows, through
// rate-limiter-flexible. In memory for a single instance; in Redis when REDIS_URL is set, so
// every instance sees the same counts.
//
// An attempt is counted *before* it is decided (one atomic increment that answers the new
// count), never checked first and recorded after the password was hashed: N parallel guesses
// get at most the limit through. The memory store expires each key on its own timer, so it
// never scans every key, and it holds only the keys of the current windows.

import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

export interface AttemptRule {
  /** Attempts allowed within the window; the next one is refused until the window ends. */
  limit: number;
  windowSeconds: number;
}

export interface AttemptCount {
  /** Attempts counted in the current window, this one included. */
  attempts: number;
  /** 0 when this attempt is within the limit; otherwise the seconds until the window ends. */
  retryAfterSeconds: number;
}

export interface AttemptLimiter {
  /** Counts one attempt against `key` and says whether it may go ahead. */
  take(key: string, rule: AttemptRule): Promise<AttemptCount>;
  /** Takes one counted attempt back (it turned out not to be a failure). */
  giveBack(key: string, rule: AttemptRule): Promise<void>;
  /** Forgets every attempt of `key` (after a success that proves the caller). */
  reset(key: string, rule: AttemptRule): Promise<void>;
}

type LimiterFor = (rule: AttemptRule) => RateLimiterAbstract;

function limiterFrom(limiterFor: LimiterFor): AttemptLimiter {
  return {
    async take(key, rule) {
      try {
        const result = await limiterFor(rule).consume(key, 1);
        return { attempts: result.consumedPoints, retryAfterSeconds: 0 };
      } catch (refusal) {
        // A refusal is a RateLimiterRes; anything else is the store failing and must surface.
        if (!(refusal instanceof RateLimiterRes)) throw refusal;
        return { attempts: refusal.consumedPoints, retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)) };
      }
    },
    async giveBack(key, rule) {
      await limiterFor(rule).reward(key, 1);
    },
    async reset(key, rule) {
      await limiterFor(rule).delete(key);
    },
  };
}

/** One rate-limiter-flexible limiter per rule (its points and duration), made on first use. */
function perRule(make: (rule: AttemptRule, keyPrefix: string) => RateLimiterAbstract): LimiterFor {
  const limiters = new Map<string, RateLimiterAbstract>();
  return (rule) => {
    const name = `${rule.limit}x${rule.windowSeconds}`;
    let limiter = limiters.get(name);
    if (!limiter) limiters.set(name, (limiter = make(rule, name)));
    return limiter;
  };
}

export function createMemoryAttemptLimiter(): AttemptLimiter {
  return limiterFrom(perRule((rule, keyPrefix) => new RateLimiterMemory({ points: rule.limit, duration: rule.windowSeconds, keyPrefix })));
}

/**
 * Shared through Redis. While Redis is unreachable each instance counts in its own memory
 * (rate-limiter-flexible's insurance limiter) rather than failing every sign-in: the limits
 * still hold per instance, readiness says "degraded" and the log says why (docs/operations.md).
 */
export function createRedisAttemptLimiter(redis: Redis, prefix = 'tessera:attempts:'): AttemptLimiter {
  return limiterFrom(
    perRule(
      (rule, keyPrefix) =>
        new RateLimiterRedis({
          storeClient: redis,
          points: rule.limit,
          duration: rule.windowSeconds,
          keyPrefix: `${prefix}${keyPrefix}`,
          rejectIfRedisNotReady: true,
          insuranceLimiter: new RateLimiterMemory({ points: rule.limit, duration: rule.windowSeconds, keyPrefix }),
        }),
    ),
  );
}
