// At most HASHING_CONCURRENCY hashes run at once (one per hashing thread, security/
// argon2-threads.ts) and at most MAX_WAITING wait; past that a request is turned away at once
// with 429 and Retry-After rather than left to time out (docs/operations.md). Unbounded, a burst
// of sign-ins queued every static file and health probe behind it. p-limit keeps the queue.

import pLimit from 'p-limit';
import { AppError } from '../errors.ts';
import type { PasswordHasher } from './password-hasher.ts';

export const HASHING_CONCURRENCY = 2;
export const MAX_WAITING_HASHES = 64;
export const HASHING_RETRY_AFTER_SECONDS = 2;

export function busyHashingError(): AppError {
  return new AppError('request.throttled', `The server is busy checking passwords: try again in ${HASHING_RETRY_AFTER_SECONDS} seconds`, {
    details: { retryAfterSeconds: HASHING_RETRY_AFTER_SECONDS },
  });
}

export function boundHashing(inner: PasswordHasher, bounds: { concurrency: number; maxWaiting: number } = { concurrency: HASHING_CONCURRENCY, maxWaiting: MAX_WAITING_HASHES }): PasswordHasher {
  const limit = pLimit(bounds.concurrency);
  const queued = <T>(work: () => Promise<T>): Promise<T> => {
    if (limit.pendingCount >= bounds.maxWaiting) return Promise.reject(busyHashingError());
    return limit(work);
  };
  return {
    hash: (password) => queued(() => inner.hash(password)),
    verify: (phc, password) => queued(() => inner.verify(phc, password)),
    needsRehash: (phc) => inner.needsRehash(phc),
  };
}
