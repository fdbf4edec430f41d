// Where the browser request the provider is serving comes from: its User-Agent and client
// address (Fastify's request.ip, so TRUST_PROXY is honoured as everywhere else). The adapter
// records it on the session it saves, which is how administrators see a session's device,
// browser, address and last use. Lives exactly as long as the request, like request-cache.ts.

import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestOrigin {
  userAgent: string | null;
  clientAddress: string | null;
}

const store = new AsyncLocalStorage<RequestOrigin>();

export function withRequestOrigin<T>(origin: RequestOrigin, work: () => T): T {
  return store.run(origin, work);
}

/** The origin of the request being served, or undefined outside one. */
export function currentRequestOrigin(): RequestOrigin | undefined {
  return store.getStore();
}
