// A cache that lives exactly as long as one provider request. oidc-provider looks the same
// client up several times while handling one token request; inside a request the answer cannot
// change, so it is read once. Nothing outlives the request, so nothing can go stale across
// requests or instances.

import { AsyncLocalStorage } from 'node:async_hooks';

const store = new AsyncLocalStorage<Map<string, Promise<unknown>>>();

export function withRequestCache<T>(work: () => T): T {
  return store.run(new Map(), work);
}

export function memoized<T>(key: string, load: () => Promise<T>): Promise<T> {
  const cache = store.getStore();
  if (!cache) return load();
  let pending = cache.get(key) as Promise<T> | undefined;
  if (!pending) {
    pending = load();
    cache.set(key, pending);
  }
  return pending;
}

/**
 * Records a value read ahead of the provider asking for it (several keys from one statement), so
 * the provider's own read later in the same request is answered without another query.
 */
export function prime<T>(key: string, value: Promise<T>): void {
  store.getStore()?.set(key, value);
}

/** Drops a memoized value after a write, so a read later in the same request sees the write. */
export function forget(key: string): void {
  store.getStore()?.delete(key);
}

/** Drops every memoized value (after a write that touches many rows at once). */
export function forgetAll(): void {
  store.getStore()?.clear();
}
