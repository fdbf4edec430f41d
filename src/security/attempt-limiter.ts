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
  /**
   * The count of `key` without taking an attempt; `retryAfterSeconds` > 0 when the next attempt
   * would be refused. Undefined when nothing is counted in the current window.
   */
  peek(key: string, rule: AttemptRule): Promise<AttemptCount | undefined>;
  /**
   * Remembers `member` under `listKey` for `windowSeconds` past the latest note: how a counter
   * family keyed by something unknown later (the addresses an account failed from) is found
   * again to be cleared. Best effort: a store that fails to note does not fail the attempt.
   */
  note(listKey: string, member: string, windowSeconds: number): Promise<void>;
  /** The members noted under `listKey` and not yet expired, in no order. */
  noted(listKey: string): Promise<string[]>;
}

/** What a listed key set keeps: the note functions of an AttemptLimiter. */
type NoteStore = Pick<AttemptLimiter, 'note' | 'noted'>;

/**
 * Members kept per list in memory. An account guessed from more addresses than this is locked
 * account-wide long before (1000 attempts an hour at 10 per address), and clearing that lock is
 * what matters; the oldest members are dropped first.
 */
export const MAX_NOTED_MEMBERS = 2_000;

type LimiterFor = (rule: AttemptRule) => RateLimiterAbstract;

function limiterFrom(limiterFor: LimiterFor, notes: NoteStore): AttemptLimiter {
  return {
    ...notes,
    async peek(key, rule) {
      const result = await limiterFor(rule).get(key);
      if (!result || result.consumedPoints <= 0) return undefined;
      const exhausted = result.consumedPoints >= rule.limit;
      return { attempts: result.consumedPoints, retryAfterSeconds: exhausted ? Math.max(1, Math.ceil(result.msBeforeNext / 1000)) : 0 };
    },
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

/** Lists in this process; each expires on its own unref'd timer, like the memory counters. */
function memoryNotes(): NoteStore {
  const lists = new Map<string, { members: Set<string>; timer: NodeJS.Timeout }>();
  return {
    async note(listKey, member, windowSeconds) {
      let list = lists.get(listKey);
      if (list) clearTimeout(list.timer);
      else lists.set(listKey, (list = { members: new Set(), timer: undefined as unknown as NodeJS.Timeout }));
      list.members.delete(member);
      list.members.add(member);
      if (list.members.size > MAX_NOTED_MEMBERS) list.members.delete(list.members.values().next().value!);
      list.timer = setTimeout(() => lists.delete(listKey), windowSeconds * 1000);
      list.timer.unref();
    },
    async noted(listKey) {
      return [...(lists.get(listKey)?.members ?? [])];
    },
  };
}

export function createMemoryAttemptLimiter(): AttemptLimiter {
  return limiterFrom(
    perRule((rule, keyPrefix) => new RateLimiterMemory({ points: rule.limit, duration: rule.windowSeconds, keyPrefix })),
    memoryNotes(),
  );
}

/** Lists as Redis sets, shared by every instance, expiring a window after their latest note. */
function redisNotes(redis: Redis, prefix: string): NoteStore {
  const setKey = (listKey: string) => `${prefix}noted:${listKey}`;
  return {
    async note(listKey, member, windowSeconds) {
      try {
        await redis.multi().sadd(setKey(listKey), member).expire(setKey(listKey), windowSeconds).exec();
      } catch {
        // Redis away: the counters fall back to this instance's memory too (see below), and an
        // administrator's clear then reaches only what Redis holds; never fail the sign-in.
      }
    },
    noted: (listKey) => redis.smembers(setKey(listKey)),
  };
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
    redisNotes(redis, prefix),
  );
}
